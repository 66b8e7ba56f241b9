package dev.kiln.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step instance produced: named outputs (each an {@link Artifact} or a plain value: String,
 * Number, Boolean, List or Map of those) and final metrics.
 */
public final class StepResult {
  private final Map<String, Object> outputs;
  private final Map<String, Double> metrics;

  private StepResult(Map<String, Object> outputs, Map<String, Double> metrics) {
    this.outputs = Map.copyOf(outputs);
    this.metrics = Map.copyOf(metrics);
  }

  public Map<String, Object> outputs() {
    return outputs;
  }

  public Map<String, Double> metrics() {
    return metrics;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static StepResult empty() {
    return builder().build();
  }

  /** Collects outputs and metrics. */
  public static final class Builder {
    private final Map<String, Object> outputs = new LinkedHashMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    public Builder output(String name, Object value) {
      outputs.put(name, value);
      return this;
    }

    public Builder metric(String name, double value) {
      metrics.put(name, value);
      return this;
    }

    public StepResult build() {
      return new StepResult(outputs, metrics);
    }
  }
}
