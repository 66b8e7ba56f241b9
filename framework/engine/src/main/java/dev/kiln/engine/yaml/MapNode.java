package dev.kiln.engine.yaml;

import dev.kiln.engine.diag.Location;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A mapping with string keys, in source order. */
public record MapNode(Map<String, Entry> entries, Location location) implements Node {
  /** One key and its value. */
  public record Entry(String key, Location keyLocation, Node value) {}

  public MapNode {
    entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  public Node get(String key) {
    Entry e = entries.get(key);
    return e == null ? null : e.value();
  }

  public boolean has(String key) {
    return entries.containsKey(key);
  }

  @Override
  public String kindName() {
    return "mapping";
  }
}
