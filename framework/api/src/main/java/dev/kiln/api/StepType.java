package dev.kiln.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of step a plugin contributes, such as {@code kiln/command} or {@code tribuo/train}.
 *
 * <p>The engine binds a step's {@code with:} block to the record type {@link #paramsType()} (YAML
 * keys are the kebab-case form of the record's component names), validates it offline against the
 * component types and the {@link Param} annotations, and calls {@link #execute} once per step
 * instance. Implementations must be thread-safe: instances of one step type run in parallel.
 *
 * @param <P> the params record
 */
public interface StepType<P extends Record> {

  /** {@code <plugin>/<name>}, e.g. {@code kiln/command}. */
  String name();

  /** One line for {@code kiln plugins}. */
  String description();

  /** The record a step's {@code with:} block binds to. */
  Class<P> paramsType();

  /**
   * The implementation's version. It is part of every cache key, so bump it whenever a change
   * to {@link #execute} can change what the step produces.
   */
  String version();

  /** Outputs every step of this type produces. */
  List<Output> outputs();

  /**
   * Outputs named by the step's own literal params (e.g. the keys of {@code kiln/command}'s
   * {@code outputs:} map), so references to them can be checked before the run.
   *
   * @param literalWith the step's {@code with:} block as plain values; expressions appear as
   *     their source text
   */
  default Set<String> outputsNamedBy(Map<String, Object> literalWith) {
    return Set.of();
  }

  /**
   * For {@link #outputsNamedBy}: the keys of the mapping param {@code param} (e.g. {@code
   * outputs:}), or none when it is absent or not a mapping.
   */
  static Set<String> keysOf(Map<String, Object> literalWith, String param) {
    if (!(literalWith.get(param) instanceof Map<?, ?> m)) return Set.of();
    Set<String> keys = new java.util.LinkedHashSet<>();
    for (Object k : m.keySet()) keys.add(String.valueOf(k));
    return keys;
  }

  /**
   * Whether an earlier result with the same cache key may stand in for running the step. A step
   * whose point is a side effect outside the artifact store (writing a tracked file in the
   * workspace, pushing to a remote) returns false: it runs every time its pipeline does.
   */
  default boolean cacheable() {
    return true;
  }

  /**
   * Child steps this step will run through {@link StepContext#runChild} (e.g. {@code kiln/tune}'s
   * trials), so {@code kiln validate} checks them before anything runs.
   *
   * @param literalWith the step's {@code with:} block as plain values; expressions appear as
   *     their source text
   */
  default List<ChildProbe> children(Map<String, Object> literalWith) {
    return List.of();
  }

  /** The YAML key of a params record component: {@code oneHot} -> {@code one-hot}. */
  static String yamlKey(String component) {
    StringBuilder sb = new StringBuilder();
    for (char ch : component.toCharArray()) {
      if (Character.isUpperCase(ch)) sb.append('-').append(Character.toLowerCase(ch));
      else sb.append(ch);
    }
    return sb.toString();
  }

  /** Runs one step instance. Throw {@link StepFailure} for an expected failure with a message. */
  StepResult execute(P params, StepContext ctx) throws Exception;
}
