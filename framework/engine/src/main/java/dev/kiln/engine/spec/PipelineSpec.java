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
 * @param outputs the {@code outputs:} section: what the pipeline gives a pipeline that includes it
 *     ({@code name: ${{ steps.x.outputs.y }}}); empty when absent
 * @param includes the pipelines its sub-pipeline steps ({@code uses: ./file.yaml}) include, by step
 *     id, as loaded; empty once they are expanded ({@link SubPipelines#expand})
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
    Location location,
    Map<String, Node> outputs,
    Map<String, PipelineSpec> includes) {

  public PipelineSpec(String file, String source, String name, String description, Map<String, ParamSpec> params, Map<String, Node> env,
      Map<String, StepSpec> steps, Tracking tracking, Location location) {
    this(file, source, name, description, params, env, steps, tracking, location, Map.of(), Map.of());
  }

  public PipelineSpec withIncludes(Map<String, PipelineSpec> loaded) {
    return new PipelineSpec(file, source, name, description, params, env, steps, tracking, location, outputs, Map.copyOf(loaded));
  }

  public PipelineSpec withSteps(Map<String, StepSpec> expanded) {
    return new PipelineSpec(file, source, name, description, params, env, expanded, tracking, location, outputs, Map.of());
  }

  /** {@code tracking: {experiment: NAME, tags: {k: v}}}; experiment null means the pipeline's name. */
  public record Tracking(String experiment, Map<String, String> tags) {
    public static final Tracking NONE = new Tracking(null, Map.of());

    public Tracking {
      tags = Map.copyOf(tags);
    }
  }
}
