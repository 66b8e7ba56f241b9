package dev.kiln.engine.spec;

import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import java.util.ArrayList;
import java.util.List;

/** Walks node trees. */
public final class Nodes {
  private Nodes() {}

  /** Every scalar holding an expression, with its path, in source order. */
  public record Found(ScalarNode scalar, String path) {}

  public static List<Found> expressions(Node n, String path) {
    List<Found> out = new ArrayList<>();
    walk(n, path, out);
    return out;
  }

  private static void walk(Node n, String path, List<Found> out) {
    if (n == null) return;
    if (n instanceof ScalarNode s) {
      if (s.hasExpression()) out.add(new Found(s, path));
    } else if (n instanceof ListNode l) {
      for (int i = 0; i < l.items().size(); i++) walk(l.items().get(i), path + "[" + i + "]", out);
    } else if (n instanceof MapNode m) {
      for (MapNode.Entry e : m.entries().values()) walk(e.value(), path + "." + e.key(), out);
    }
  }

  /** Every expression a step holds: in with, env, if, for-each and matrix values. */
  public static List<Found> expressions(StepSpec s) {
    String path = "steps." + s.id();
    List<Found> out = new ArrayList<>();
    if (s.with() != null) out.addAll(expressions(s.with(), path + ".with"));
    s.env().forEach((k, v) -> out.addAll(expressions(v, path + ".env." + k)));
    if (s.condition() != null && s.condition().hasExpression()) out.add(new Found(s.condition(), path + ".if"));
    if (s.forEach() != null) out.add(new Found(s.forEach(), path + ".for-each"));
    s.matrix().forEach((k, vs) -> {
      for (int i = 0; i < vs.size(); i++) out.addAll(expressions(vs.get(i), path + ".matrix." + k + "[" + i + "]"));
    });
    return out;
  }
}
