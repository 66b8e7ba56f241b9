package dev.kiln.engine.spec;

import dev.kiln.engine.diag.Location;
import dev.kiln.engine.yaml.Node;
import java.util.Map;

/**
 * A pipeline as loaded from YAML: immutable, every part with its source location.
 *
 * @param file the path as the user gave it (used in messages)
 * @param source the exact text that was loaded, kept with each run so it can be resumed
 * @param tracking the {@code tracking:} section: experiment name and extra tags for trackers
 */
public record PipelineSpec(
    String file,
    String source,
    String name,
    String description,
    Map<String, ParamSpec> params,
    Map<String, Node> env,
    Map<String, StepSpec> steps,
    Tracking tracking,
    Location location) {

  /** {@code tracking: {experiment: NAME, tags: {k: v}}}; experiment null means the pipeline's name. */
  public record Tracking(String experiment, Map<String, String> tags) {
    public static final Tracking NONE = new Tracking(null, Map.of());

    public Tracking {
      tags = Map.copyOf(tags);
    }
  }
}
