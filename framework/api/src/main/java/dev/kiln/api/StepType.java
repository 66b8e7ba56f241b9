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

  /**
   * Everything {@code kiln plugins}, {@code kiln schema}, validation and the cache key need to know
   * about this step type, declared once. It is asked for often, so keep it a literal (or a
   * constant) with no work behind it:
   *
   * <pre>{@code
   * public Info<Params> info() {
   *   return new Info<>("acme/greet", "Says hello", Params.class, "1",
   *       List.of(Output.value("greeting", "the greeting")));
   * }
   * }</pre>
   */
  Info<P> info();

  /** {@code <plugin>/<name>}, e.g. {@code kiln/command}; from {@link #info()}. */
  default String name() {
    return info().name();
  }

  /** One line for {@code kiln plugins}; from {@link #info()}. */
  default String description() {
    return info().description();
  }

  /** The record a step's {@code with:} block binds to; from {@link #info()}. */
  default Class<P> paramsType() {
    return info().paramsType();
  }

  /** The implementation's version, part of every cache key; from {@link #info()}. */
  default String version() {
    return info().version();
  }

  /** Outputs every step of this type produces; from {@link #info()}. */
  default List<Output> outputs() {
    return info().outputs();
  }

  /**
   * A step type's declaration.
   *
   * @param name {@code <plugin>/<name>}, e.g. {@code kiln/command}
   * @param description one line for {@code kiln plugins}
   * @param paramsType the record a step's {@code with:} block binds to
   * @param version the implementation's version. It is part of every cache key, so bump it
   *     whenever a change to {@link #execute} can change what the step produces
   * @param outputs outputs every step of this type produces (more may be named by the step's
   *     params, see {@link #outputsNamedBy})
   * @param <P> the params record
   */
  record Info<P extends Record>(String name, String description, Class<P> paramsType, String version, List<Output> outputs) {
    public Info {
      if (name == null || name.indexOf('/') <= 0 || name.endsWith("/")) {
        throw new IllegalArgumentException("a step type's name is <plugin>/<name>, e.g. acme/greet; found " + (name == null ? "nothing" : "\"" + name + "\""));
      }
      if (description == null) throw new IllegalArgumentException("step type " + name + " needs a description (one line for kiln plugins)");
      if (paramsType == null) throw new IllegalArgumentException("step type " + name + " needs a params record type");
      if (version == null || version.isBlank()) throw new IllegalArgumentException("step type " + name + " needs a version (it is part of every cache key)");
      outputs = List.copyOf(outputs == null ? List.of() : outputs);
    }
  }

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
