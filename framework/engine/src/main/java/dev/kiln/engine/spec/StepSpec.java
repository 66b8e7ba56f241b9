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
 * @param forEach the {@code for-each:} expression over a list a step computes, or null: one
 *     instance per item, expanded when the list is known
 * @param maxParallel how many of the step's instances may run at once, or null for no bound
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
    ScalarNode forEach,
    Integer maxParallel,
    Origin origin) {

  /** A step of the pipeline itself, without {@code for-each:} or {@code max-parallel:}. */
  public StepSpec(String id, Location location, String uses, Location usesLocation, MapNode with, List<Need> needs, ScalarNode condition,
      RetrySpec retry, Duration timeout, boolean cache, Map<String, List<Node>> matrix, Location matrixLocation, Map<String, Node> env) {
    this(id, location, uses, usesLocation, with, needs, condition, retry, timeout, cache, matrix, matrixLocation, env, null, null, null);
  }

  /** A step of the pipeline itself. */
  public StepSpec(String id, Location location, String uses, Location usesLocation, MapNode with, List<Need> needs, ScalarNode condition,
      RetrySpec retry, Duration timeout, boolean cache, Map<String, List<Node>> matrix, Location matrixLocation, Map<String, Node> env, ScalarNode forEach, Integer maxParallel) {
    this(id, location, uses, usesLocation, with, needs, condition, retry, timeout, cache, matrix, matrixLocation, env, forEach, maxParallel, null);
  }

  /** A step expanded from a sub-pipeline, without {@code for-each:} or {@code max-parallel:}. */
  public StepSpec(String id, Location location, String uses, Location usesLocation, MapNode with, List<Need> needs, ScalarNode condition,
      RetrySpec retry, Duration timeout, boolean cache, Map<String, List<Node>> matrix, Location matrixLocation, Map<String, Node> env, Origin origin) {
    this(id, location, uses, usesLocation, with, needs, condition, retry, timeout, cache, matrix, matrixLocation, env, null, null, origin);
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

  /** Whether the step runs as several instances whose outputs downstream steps see as lists. */
  public boolean fansOut() {
    return !matrix.isEmpty() || forEach != null;
  }

  /** Whether its instances are known only when the run reaches it ({@code for-each:}). */
  public boolean expandsAtRunTime() {
    return forEach != null;
  }
}
