package dev.kiln.engine.spec;

import dev.kiln.engine.diag.Location;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One step as declared in the pipeline.
 *
 * @param with the step's params, still holding expressions; an empty mapping when absent, null
 *     when it was not a mapping (an error already reported)
 * @param needs steps that must finish first although no data flows from them
 * @param condition the {@code if:} scalar, or null
 * @param matrix axis name -> values; empty when the step does not fan out
 * @param env extra environment variables for the step (values may hold expressions)
 * @param origin where a step of a sub-pipeline was declared and included from; null for a step of
 *     the pipeline itself
 */
public record StepSpec(
    String id,
    Location location,
    String uses,
    Location usesLocation,
    MapNode with,
    List<Need> needs,
    ScalarNode condition,
    RetrySpec retry,
    Duration timeout,
    boolean cache,
    Map<String, List<Node>> matrix,
    Location matrixLocation,
    Map<String, Node> env,
    Origin origin) {

  public StepSpec(String id, Location location, String uses, Location usesLocation, MapNode with, List<Need> needs, ScalarNode condition,
      RetrySpec retry, Duration timeout, boolean cache, Map<String, List<Node>> matrix, Location matrixLocation, Map<String, Node> env) {
    this(id, location, uses, usesLocation, with, needs, condition, retry, timeout, cache, matrix, matrixLocation, env, null);
  }

  /** A {@code needs:} entry. */
  public record Need(String step, Location location) {}

  /**
   * A step expanded from a sub-pipeline: the file it was declared in and the {@code uses:} that
   * included it, innermost first.
   */
  public record Origin(String file, List<Location> includedFrom) {
    public Origin {
      includedFrom = List.copyOf(includedFrom);
    }
  }

  public boolean fansOut() {
    return !matrix.isEmpty();
  }
}
