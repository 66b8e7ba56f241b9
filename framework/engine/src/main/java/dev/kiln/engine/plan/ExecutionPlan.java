package dev.kiln.engine.plan;

import dev.kiln.engine.spec.PipelineSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run will execute: step instances in topological order, the params they see, and which
 * steps each step waits for (every instance of a dependency: fan-in).
 */
public record ExecutionPlan(
    PipelineSpec spec,
    Map<String, Object> params,
    List<String> stepOrder,
    Map<String, List<StepInstance>> instances,
    Map<String, Set<String>> dependencies) {

  public List<StepInstance> allInstances() {
    return stepOrder.stream().flatMap(s -> instances.get(s).stream()).toList();
  }

  /** How many instances the run has as planned; a for-each step, not yet expanded, counts as one. */
  public int size() {
    int n = 0;
    for (var e : instances.entrySet()) n += spec.steps().get(e.getKey()).expandsAtRunTime() ? 1 : e.getValue().size();
    return n;
  }
}
