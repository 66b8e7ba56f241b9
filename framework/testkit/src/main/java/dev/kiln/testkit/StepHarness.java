package dev.kiln.testkit;

import dev.kiln.engine.exec.MediaTypes;

import dev.kiln.api.Artifact;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.engine.bind.ParamsBinder;
import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.spec.Nodes;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.engine.spec.SpecLoader;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.validate.Validator;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.ValueNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs one step type in-process, as {@code kiln run} would run a step of it, and checks its
 * {@code with:} offline, as {@code kiln validate} would.
 *
 * <pre>{@code
 * // in a JUnit test, with tempDir a @TempDir
 * StepOutcome out = StepHarness.of(new GreetStep(), tempDir).run("who: Ada").assertSucceeded();
 * assertThat(out.value("greeting")).isEqualTo("hello Ada!");
 * }</pre>
 *
 * <p>What a run gets:
 *
 * <ul>
 *   <li>Its {@code with:} bound to the params record by the engine's own binder in build mode, as
 *       at run time: unknown keys, wrong types, values out of range and the record's own checks are
 *       reported with the same codes and words. A string given for an {@link Artifact} param is a
 *       file relative to the {@linkplain #projectDir project directory}, imported into the store.
 *       {@code ${{ }}} expressions are not evaluated: pass earlier outputs in a map (see {@link
 *       #run(Map)}).
 *   <li>A real content-addressed artifact store under {@code <workDir>/artifacts}; a scratch
 *       directory {@code <workDir>/scratch/<step id>}, emptied before each run and kept after it.
 *   <li>Log lines and metrics captured in the {@link StepOutcome}; durable state kept in memory by
 *       the harness, so a second run sees what the first saved (as a resumed step would).
 *   <li>The seed a step with this id gets in a pipeline named {@code testkit} (or {@link #seed}),
 *       and the process environment plus {@link #env}.
 * </ul>
 *
 * <p>Not available in the harness: {@code runChild} (child steps) and {@code models()} (the model
 * registry) throw {@link UnsupportedOperationException}; {@code cancelled()} is always false;
 * results are never cached.
 *
 * <p>Several harnesses given the same {@code workDir} share one artifact store, so one step's
 * artifacts can be passed to the next.
 *
 * @param <P> the step type's params record
 */
public final class StepHarness<P extends Record> {
  /** The line of the synthesized pipeline after which the {@code with:} text starts. */
  private static final int WITH_LINE = 5;
  /** The indentation the {@code with:} text gets in the synthesized pipeline. */
  private static final int WITH_INDENT = 6;

  private final StepType<P> type;
  private final Path workDir;
  private final ArtifactStore store;
  private final Map<String, StepType<?>> known = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, String> state = new LinkedHashMap<>();
  private Path projectDir = Path.of("").toAbsolutePath();
  private String stepId = "step";
  private String sourceName = "with.yaml";
  private Long seed;

  private StepHarness(StepType<P> type, Path workDir) {
    this.type = type;
    this.workDir = workDir;
    this.store = new ArtifactStore(workDir.resolve("artifacts"));
    known.put(type.name(), type);
  }

  /**
   * A harness for {@code type} keeping its artifact store and scratch directories in {@code
   * workDir} (typically a JUnit {@code @TempDir}).
   */
  public static <P extends Record> StepHarness<P> of(StepType<P> type, Path workDir) {
    return new StepHarness<>(type, workDir);
  }

  /** The directory relative paths in params resolve against; default: the current directory. */
  public StepHarness<P> projectDir(Path dir) {
    this.projectDir = dir.toAbsolutePath().normalize();
    return this;
  }

  /** The step id (for the seed, the scratch directory and problem paths); default {@code step}. */
  public StepHarness<P> stepId(String id) {
    if (id == null || !SpecLoader.ID.matcher(id).matches()) {
      throw new IllegalArgumentException("step ids must match " + SpecLoader.ID.pattern() + ", found " + (id == null ? "nothing" : "\"" + id + "\""));
    }
    this.stepId = id;
    return this;
  }

  /** The file name problems are reported under; default {@code with.yaml}. */
  public StepHarness<P> sourceName(String name) {
    this.sourceName = name;
    return this;
  }

  /** The seed {@code ctx.seed()} returns, instead of the one derived from the step id. */
  public StepHarness<P> seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** An environment variable the step sees in addition to the process environment. */
  public StepHarness<P> env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Durable state as an earlier attempt left it ({@code ctx.state()} sees it). */
  public StepHarness<P> state(String key, String value) {
    synchronized (state) {
      state.put(key, value);
    }
    return this;
  }

  /**
   * Other step types {@link #check} should know, e.g. those a step runs as children ({@link
   * StepType#children}).
   */
  public StepHarness<P> stepTypes(StepType<?>... others) {
    for (StepType<?> t : others) known.put(t.name(), t);
    return this;
  }

  /** Copies {@code file} into the harness's artifact store, e.g. to pass it in {@link #run(Map)}. */
  public Artifact importFile(Path file) throws IOException {
    return store.put(file, MediaTypes.guess(file));
  }

  /**
   * Checks a {@code with:} block offline and returns what {@code kiln validate} reports for it,
   * sorted: the step is validated as the only step of a pipeline, so a reference to another step's
   * outputs is reported as unknown. Locations are lines and columns of {@code withYaml}.
   */
  public List<ParamProblem> check(String withYaml) {
    Problems problems = new Problems();
    Optional<PipelineSpec> spec = new SpecLoader().load(pipelineText(withYaml).getBytes(StandardCharsets.UTF_8), sourceName, problems);
    spec.ifPresent(s -> new Validator(new StepRegistry(known)).validate(s, problems));
    return located(problems);
  }

  /** Runs the step with its {@code with:} block given as YAML text. */
  public StepOutcome run(String withYaml) {
    Problems problems = new Problems();
    Optional<PipelineSpec> spec = new SpecLoader().load(pipelineText(withYaml).getBytes(StandardCharsets.UTF_8), sourceName, problems);
    StepSpec step = spec.map(s -> s.steps().get(stepId)).orElse(null);
    if (problems.hasErrors() || step == null || step.with() == null) return invalid(problems);
    return run(step.with(), problems);
  }

  /**
   * Runs the step with its {@code with:} block given as values: String, Number, Boolean, List, Map
   * and {@link Artifact} (e.g. an earlier {@link StepOutcome#artifact}), keyed by YAML name
   * ({@code one-hot}, not {@code oneHot}).
   */
  public StepOutcome run(Map<String, Object> with) {
    Location at = Location.file(sourceName);
    Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
    with.forEach((k, v) -> entries.put(k, new MapNode.Entry(k, at, new ValueNode(v, null, at))));
    return run(new MapNode(entries, at), new Problems());
  }

  private StepOutcome run(MapNode with, Problems problems) {
    String path = "steps." + stepId + ".with";
    List<Nodes.Found> expressions = Nodes.expressions(with, path);
    if (!expressions.isEmpty()) {
      Nodes.Found f = expressions.get(0);
      throw new IllegalArgumentException("the testkit does not evaluate expressions: " + f.path() + " holds " + f.scalar().text().strip()
          + " (" + shifted(f.scalar().location()) + "); give the value itself, e.g. run(Map.of(\"" + f.path().substring(path.length() + 1).split("[.\\[]")[0] + "\", earlier.artifact(\"<output>\")))");
    }
    P params;
    try {
      params = new ParamsBinder(ParamsBinder.Mode.BUILD, runtime(problems, "steps." + stepId), null, problems).bind(type.paramsType(), with, path).orElse(null);
    } catch (RuntimeException e) {
      problems.add(with.location(), Code.E122, "steps." + stepId, String.valueOf(e.getMessage()), null);
      params = null;
    }
    if (params == null) {
      if (!problems.hasErrors()) throw new IllegalStateException("the params of " + type.name() + " did not bind, and the binder reported no problem");
      return invalid(problems);
    }
    HarnessContext ctx = new HarnessContext(stepId, projectDir, scratch(), store, environment(), seed == null ? derivedSeed() : seed, state);
    Map<String, Object> outputs = null;
    Throwable failure = null;
    try {
      StepResult result = type.execute(params, ctx);
      result.metrics().forEach((k, v) -> ctx.points.add(new StepOutcome.MetricPoint(k, v, 0)));
      for (Artifact a : artifactsIn(result.outputs().values())) {
        if (!store.isIntact(a)) throw new IllegalStateException("output artifact " + a.name() + " is not in the artifact store; steps must create artifacts with StepContext.storeArtifact");
      }
      outputs = result.outputs();
    } catch (Exception e) {
      failure = e;
    }
    return new StepOutcome(stepId, failure == null ? StepOutcome.Status.SUCCEEDED : StepOutcome.Status.FAILED, failure == null ? outputs : Map.of(), ctx.points, ctx.logs, failure, List.of(), snapshotState(), store);
  }

  private StepOutcome invalid(Problems problems) {
    return new StepOutcome(stepId, StepOutcome.Status.INVALID_PARAMS, Map.of(), List.of(), List.of(), null, located(problems), snapshotState(), store);
  }

  private Map<String, String> snapshotState() {
    synchronized (state) {
      return new LinkedHashMap<>(state);
    }
  }

  /** What binding needs at run time: artifact paths, and project files imported into the store. */
  private ParamsBinder.Runtime runtime(Problems problems, String path) {
    return new ParamsBinder.Runtime() {
      @Override
      public Path pathOf(Artifact a) {
        try {
          return store.path(a);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public Artifact importFile(String file, Location at) {
        Path p = projectDir.resolve(file);
        try {
          return store.put(p, MediaTypes.guess(p));
        } catch (NoSuchFileException e) {
          problems.add(at, Code.E122, path, "input file " + file + " does not exist", null);
        } catch (IOException e) {
          problems.add(at, Code.E122, path, "cannot read input file " + file + ": " + e.getMessage(), null);
        }
        return null;
      }
    };
  }

  /** The one-step pipeline a {@code with:} text is loaded as; the text starts on line {@link #WITH_LINE} + 1. */
  private String pipelineText(String withYaml) {
    StringBuilder sb = new StringBuilder("name: testkit\nsteps:\n  ").append(stepId).append(":\n    uses: ").append(type.name()).append('\n');
    if (!withYaml.isBlank()) {
      sb.append("    with:\n");
      for (String line : withYaml.split("\n", -1)) sb.append(" ".repeat(WITH_INDENT)).append(line).append('\n');
    }
    return sb.toString();
  }

  /** Problems with locations in the {@code with:} text rather than the synthesized pipeline, sorted. */
  private List<ParamProblem> located(Problems problems) {
    List<Problem> shifted = new ArrayList<>();
    for (Problem p : problems.sorted()) shifted.add(new Problem(shifted(p.location()), p.code(), p.path(), p.message(), p.hint()));
    shifted.sort(Problem.ORDER);
    return shifted.stream().map(ParamProblem::of).toList();
  }

  private Location shifted(Location l) {
    if (l.line() <= WITH_LINE) return Location.file(sourceName);
    return new Location(sourceName, l.line() - WITH_LINE, Math.max(1, l.column() - WITH_INDENT));
  }

  private Path scratch() {
    Path dir = workDir.resolve("scratch").resolve(stepId);
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private Map<String, String> environment() {
    Map<String, String> all = new LinkedHashMap<>(System.getenv());
    all.putAll(env);
    return all;
  }

  /** As the engine derives it for step {@code stepId} of pipeline {@code testkit}. */
  private long derivedSeed() {
    return dev.kiln.engine.exec.StepSeed.of("testkit", stepId);
  }

  private static List<Artifact> artifactsIn(Iterable<?> values) {
    List<Artifact> out = new ArrayList<>();
    for (Object v : values) {
      if (v instanceof Artifact a) out.add(a);
      else if (v instanceof Map<?, ?> m) out.addAll(artifactsIn(m.values()));
      else if (v instanceof List<?> l) out.addAll(artifactsIn(l));
    }
    return out;
  }
}
