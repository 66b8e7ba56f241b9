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

  public int size() {
    return instances.values().stream().mapToInt(List::size).sum();
  }
}
