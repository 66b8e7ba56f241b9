package dev.kiln.engine.plan;

import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.resolve.Resolver;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.engine.spec.Values;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ValueNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a validated pipeline and its params into an {@link ExecutionPlan}. */
public final class Planner {
  /** Guards against a matrix that would explode into more instances than anyone meant. */
  public static final int MAX_INSTANCES_PER_STEP = 10_000;

  public ExecutionPlan plan(PipelineSpec spec, Map<String, Object> params, Problems problems) {
    StepGraph graph = new StepGraph(spec);
    List<String> order = graph.topologicalOrder();
    Map<String, List<StepInstance>> instances = new LinkedHashMap<>();
    Map<String, Set<String>> deps = new LinkedHashMap<>();
    for (String id : order) {
      StepSpec s = spec.steps().get(id);
      instances.put(id, expand(s, params, problems));
      deps.put(id, graph.dependencies(id));
    }
    return new ExecutionPlan(spec, Map.copyOf(params), order, instances, deps);
  }

  private List<StepInstance> expand(StepSpec s, Map<String, Object> params, Problems problems) {
    if (s.expandsAtRunTime()) return List.of(); // for-each: the scheduler expands it once its list is known
    if (!s.fansOut()) return List.of(new StepInstance(s.id(), s.id(), 0, Map.of()));
    List<Map<String, Object>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<Node>> axis : s.matrix().entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> c : combos) {
        for (Node v : axis.getValue()) {
          Map<String, Object> m = new LinkedHashMap<>(c);
          m.put(axis.getKey(), value(v, params, s, problems));
          next.add(m);
        }
      }
      combos = next;
      if (combos.size() > MAX_INSTANCES_PER_STEP) {
        problems.add(s.matrixLocation(), Code.E152, "steps." + s.id() + ".matrix", "a matrix may expand to at most " + MAX_INSTANCES_PER_STEP + " instances, found more", "reduce the number of axes or values");
        return List.of();
      }
    }
    List<StepInstance> out = new ArrayList<>();
    for (int i = 0; i < combos.size(); i++) out.add(new StepInstance(s.id() + "[" + i + "]", s.id(), i, Map.copyOf(combos.get(i))));
    return out;
  }

  /** Matrix values may use params only (the validator ensures it); nothing else exists yet. */
  private static Object value(Node v, Map<String, Object> params, StepSpec s, Problems problems) {
    Resolver paramsOnly = new Resolver(params, Map.of(), Map.of(), Map.of(), a -> {
      throw new IllegalStateException("no artifacts exist while planning");
    }, new dev.kiln.engine.resolve.SecretMask());
    Node resolved = paramsOnly.resolve(v);
    return resolved instanceof ValueNode vn ? vn.value() : Values.plain(resolved);
  }
}
