package dev.kiln.engine.plan;

import dev.kiln.engine.expr.Expr;
import dev.kiln.engine.expr.ExprSyntaxError;
import dev.kiln.engine.expr.Template;
import dev.kiln.engine.spec.Nodes;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.engine.spec.StepSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which step depends on which: data references ({@code steps.x.outputs...}) plus {@code needs:}. */
public final class StepGraph {
  private final Map<String, Set<String>> deps = new LinkedHashMap<>();

  public StepGraph(PipelineSpec spec) {
    for (StepSpec s : spec.steps().values()) {
      Set<String> d = new LinkedHashSet<>();
      for (StepSpec.Need n : s.needs()) if (spec.steps().containsKey(n.step()) && !n.step().equals(s.id())) d.add(n.step());
      for (Nodes.Found f : Nodes.expressions(s)) {
        try {
          for (Expr.Ref r : Template.parse(f.scalar().text()).refs()) {
            if (r.context().equals("steps") && r.path().size() > 1) {
              String target = r.path().get(1);
              if (spec.steps().containsKey(target) && !target.equals(s.id())) d.add(target);
            }
          }
        } catch (ExprSyntaxError e) {
          // reported by the validator
        }
      }
      deps.put(s.id(), d);
    }
  }

  public Set<String> dependencies(String step) {
    return deps.getOrDefault(step, Set.of());
  }

  public Set<String> steps() {
    return deps.keySet();
  }

  /** A cycle as a list of step ids whose last element equals its first, if there is one. */
  public Optional<List<String>> cycle() {
    Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
    Deque<String> stack = new ArrayDeque<>();
    for (String s : deps.keySet()) {
      Optional<List<String>> c = visit(s, state, stack);
      if (c.isPresent()) return c;
    }
    return Optional.empty();
  }

  private Optional<List<String>> visit(String s, Map<String, Integer> state, Deque<String> stack) {
    Integer st = state.get(s);
    if (st != null && st == 2) return Optional.empty();
    if (st != null && st == 1) {
      List<String> path = new ArrayList<>(stack);
      java.util.Collections.reverse(path);
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(s), path.size()));
      cycle.add(s);
      return Optional.of(cycle);
    }
    state.put(s, 1);
    stack.push(s);
    for (String d : dependencies(s)) {
      Optional<List<String>> c = visit(d, state, stack);
      if (c.isPresent()) return c;
    }
    stack.pop();
    state.put(s, 2);
    return Optional.empty();
  }

  /** Steps in an order where each comes after its dependencies; ties keep source order. */
  public List<String> topologicalOrder() {
    List<String> order = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    Map<String, Integer> remaining = new LinkedHashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (String s : deps.keySet()) {
      remaining.put(s, deps.get(s).size());
      for (String d : deps.get(s)) dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s);
    }
    Deque<String> ready = new ArrayDeque<>();
    remaining.forEach((s, n) -> {
      if (n == 0) ready.add(s);
    });
    while (!ready.isEmpty()) {
      String s = ready.poll();
      order.add(s);
      done.add(s);
      for (String t : dependents.getOrDefault(s, List.of())) {
        if (remaining.merge(t, -1, Integer::sum) == 0) ready.add(t);
      }
    }
    if (order.size() != deps.size()) throw new IllegalStateException("cycle among steps; validate first");
    return order;
  }
}
