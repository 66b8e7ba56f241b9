package dev.kiln.engine.builtin;

import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Publishes values as outputs: constants shared by several steps, or a fan-in point that gathers
 * the outputs of a matrix into one place.
 */
final class ValuesStep implements StepType<ValuesStep.Params> {
  record Params(@Param(value = "output name -> value; each becomes an output", required = true) Map<String, Object> values) {}

  @Override
  public Info<Params> info() {
    return new Info<>(
        "kiln/values",
        "Publishes the given values as outputs (constants, or a fan-in point)",
        Params.class,
        "1",
        List.of());
  }

  @Override
  public Set<String> outputsNamedBy(Map<String, Object> literalWith) {
    return StepType.keysOf(literalWith, "values");
  }

  @Override
  public StepResult execute(Params params, StepContext ctx) {
    StepResult.Builder b = StepResult.builder();
    params.values().forEach(b::output);
    return b.build();
  }
}
