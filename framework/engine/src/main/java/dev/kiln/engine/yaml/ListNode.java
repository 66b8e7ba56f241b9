package dev.kiln.engine.yaml;

import dev.kiln.engine.diag.Location;

import java.util.List;

/** A sequence. */
public record ListNode(List<Node> items, Location location) implements Node {
  public ListNode {
    items = List.copyOf(items);
  }

  @Override
  public String kindName() {
    return "list";
  }
}
