package dev.kiln.engine.spec;

import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import dev.kiln.engine.yaml.ValueNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain Java values (String, Long, Double, Boolean, List, Map, null) from nodes. */
public final class Values {
  private Values() {}

  public static Object plain(Node n) {
    if (n instanceof ScalarNode s) return s.value();
    if (n instanceof ValueNode v) return v.value();
    if (n instanceof ListNode l) {
      List<Object> out = new ArrayList<>();
      for (Node i : l.items()) out.add(plain(i));
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (MapNode.Entry e : ((MapNode) n).entries().values()) out.put(e.key(), plain(e.value()));
    return out;
  }
}
