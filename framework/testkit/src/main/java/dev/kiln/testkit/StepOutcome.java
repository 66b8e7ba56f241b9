package dev.kiln.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Artifact;
import dev.kiln.engine.artifact.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one {@link StepHarness#run} of a step produced.
 *
 * <p>{@link #status()} says how it ended: {@link Status#SUCCEEDED} with {@link #outputs()}, {@link
 * Status#FAILED} with {@link #failure()} (what the step threw), or {@link Status#INVALID_PARAMS}
 * with {@link #problems()} (its {@code with:} did not bind, so it did not run). Log lines and
 * metrics are kept in every case.
 */
public final class StepOutcome {
  /** How the run ended. */
  public enum Status {
    /** {@code execute} returned and every artifact output is in the store. */
    SUCCEEDED,
    /** {@code execute} threw, or returned an artifact that is not in the store. */
    FAILED,
    /** The {@code with:} block did not bind to the params record; the step did not run. */
    INVALID_PARAMS
  }

  /**
   * One recorded value of a metric.
   *
   * @param step the position in its series (epoch, trial, ...); 0 for a final value the step
   *     returned in its result
   */
  public record MetricPoint(String name, double value, long step) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String stepId;
  private final Status status;
  private final Map<String, Object> outputs;
  private final List<MetricPoint> points;
  private final List<String> logs;
  private final Throwable failure;
  private final List<ParamProblem> problems;
  private final Map<String, String> state;
  private final ArtifactStore store;

  StepOutcome(String stepId, Status status, Map<String, Object> outputs, List<MetricPoint> points, List<String> logs, Throwable failure, List<ParamProblem> problems, Map<String, String> state, ArtifactStore store) {
    this.stepId = stepId;
    this.status = status;
    this.outputs = outputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    this.points = List.copyOf(points);
    this.logs = List.copyOf(logs);
    this.failure = failure;
    this.problems = List.copyOf(problems);
    this.state = Map.copyOf(state);
    this.store = store;
  }

  public Status status() {
    return status;
  }

  public boolean succeeded() {
    return status == Status.SUCCEEDED;
  }

  /** The step's outputs by name (empty unless it succeeded): Artifacts and plain values. */
  public Map<String, Object> outputs() {
    return outputs;
  }

  /** Output {@code name}; fails the test when the step has no such output. */
  public Object value(String name) {
    if (!outputs.containsKey(name)) throw new AssertionError("step " + stepId + " has no output \"" + name + "\"; its outputs are " + new java.util.TreeSet<>(outputs.keySet()));
    return outputs.get(name);
  }

  /** Output {@code name}, which must be an artifact. */
  public Artifact artifact(String name) {
    Object v = value(name);
    if (!(v instanceof Artifact a)) throw new AssertionError("output \"" + name + "\" of step " + stepId + " is not an artifact, found " + v);
    return a;
  }

  /** A read-only path to the content of artifact output {@code name}, verified against its hash. */
  public Path open(String name) {
    return open(artifact(name));
  }

  /** A read-only path to the content of {@code a} (e.g. one inside a map output), verified against its hash. */
  public Path open(Artifact a) {
    try {
      return store.path(a);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The last value of every metric: the ones the step recorded with {@code ctx.metric}, then the
   * ones its result holds (these win, as in the run store).
   */
  public Map<String, Double> metrics() {
    Map<String, Double> last = new LinkedHashMap<>();
    for (MetricPoint p : points) last.put(p.name(), p.value());
    return last;
  }

  /** Every metric value in the order recorded (the result's final values last, at step 0). */
  public List<MetricPoint> metricPoints() {
    return points;
  }

  /** The step's log lines, in order. */
  public List<String> logs() {
    return logs;
  }

  /** What the step threw (a {@link dev.kiln.api.StepFailure} for an expected failure); null unless {@link Status#FAILED}. */
  public Throwable failure() {
    return failure;
  }

  /** Why the {@code with:} did not bind; empty unless {@link Status#INVALID_PARAMS}. */
  public List<ParamProblem> problems() {
    return problems;
  }

  /** The step's durable state after the run ({@code ctx.saveState}). */
  public Map<String, String> state() {
    return state;
  }

  /**
   * Fails the test unless the step succeeded, with the reason: the failure (as its cause) and the
   * last log lines, or the param problems.
   */
  public StepOutcome assertSucceeded() {
    if (status == Status.SUCCEEDED) return this;
    StringBuilder sb = new StringBuilder("step " + stepId + " did not succeed: " + status);
    if (failure != null) sb.append(": ").append(failure);
    for (ParamProblem p : problems) sb.append('\n').append(p.format());
    if (!logs.isEmpty()) {
      sb.append("\nlast log lines:");
      for (String l : logs.subList(Math.max(0, logs.size() - 20), logs.size())) sb.append("\n  ").append(l);
    }
    throw new AssertionError(sb.toString(), failure);
  }

  /**
   * The outputs as stable text for a {@link GoldenFile}: one line per output, sorted by name. A
   * value is written as JSON (map keys sorted); an artifact as its media type, size and sha256. An
   * output named in {@code notCompared} (one whose content varies between runs, e.g. a file that
   * embeds a timestamp) is written without its content: its kind and, for an artifact, its media
   * type.
   */
  public String outputsText(Set<String> notCompared) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : new TreeMap<>(outputs).entrySet()) {
      sb.append(e.getKey()).append(": ");
      Object v = e.getValue();
      boolean skip = notCompared.contains(e.getKey());
      if (v instanceof Artifact a) {
        sb.append("artifact ").append(a.mediaType());
        if (!skip) sb.append(' ').append(a.size()).append(" bytes sha256:").append(a.sha256());
      } else if (skip) {
        sb.append("value (not compared)");
      } else {
        sb.append(json(v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** {@link #outputsText(Set)} comparing every output. */
  public String outputsText() {
    return outputsText(Set.of());
  }

  private static String json(Object v) {
    try {
      return JSON.writeValueAsString(plain(v));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("output value cannot be written as JSON: " + v, e);
    }
  }

  /** Artifacts nested in values are written by identity, not as bean properties. */
  private static Object plain(Object v) {
    if (v instanceof Artifact a) return "artifact " + a.mediaType() + " " + a.size() + " bytes sha256:" + a.sha256();
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) out.add(plain(x));
      return out;
    }
    return v;
  }
}
