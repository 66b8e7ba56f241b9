package dev.kiln.engine.yaml;

import dev.kiln.engine.diag.Location;

/** A YAML node with the place it came from. */
public sealed interface Node permits MapNode, ListNode, ScalarNode, ValueNode {
  Location location();

  /** Short name of the node's kind for messages: "mapping", "list", "string", ... */
  String kindName();
}
