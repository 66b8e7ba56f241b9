package dev.kiln.engine.state;

import dev.kiln.api.Artifact;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.StepRunRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a step instance produced: output name -> value, in order (the store keeps them sorted by
 * name; outputs made from a map keep that map's order). A value
 * is an {@link Artifact}, or a plain String, Long, Double, Boolean, List or Map (nested values of a
 * List or Map as they were stored: an artifact inside one reads back as its fields). Immutable all
 * the way down, so one decoded copy can be shared by every reader of a record.
 *
 * <p>The store keeps outputs as {@code {"name": {"artifact": {...}} | {"value": ...}}} ({@link
 * StepRunRecord#outputsJson()}); {@link #of(StepRunRecord)} decodes that once per record.
 */
public final class StepOutputs {
  public static final StepOutputs NONE = new StepOutputs(Collections.unmodifiableMap(new LinkedHashMap<>()));

  /** Recently decoded outputs by their JSON; a run reads each record's outputs several times (scheduler, fan-in, listeners, show). */
  private static final int CACHED = 256;
  private static final Map<String, StepOutputs> DECODED = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, StepOutputs> eldest) {
      return size() > CACHED;
    }
  });

  private final Map<String, Object> values;

  private StepOutputs(Map<String, Object> values) {
    this.values = values;
  }

  /** The outputs of a recorded step instance; none when it recorded none (not finished, failed, skipped). */
  public static StepOutputs of(StepRunRecord r) {
    String json = r.outputsJson();
    if (json == null) return NONE;
    StepOutputs o = DECODED.get(json);
    if (o == null) {
      o = fromJson(json);
      DECODED.put(json, o);
    }
    return o;
  }

  /** Outputs as a step returned them; an immutable copy. */
  public static StepOutputs of(Map<String, Object> values) {
    if (values.isEmpty()) return NONE;
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, frozen(v)));
    return new StepOutputs(Collections.unmodifiableMap(out));
  }

  /** Outputs decoded from the store's encoding; {@code null} gives none. */
  public static StepOutputs fromJson(String json) {
    return json == null ? NONE : of(Json.decodeOutputs(json));
  }

  /** The store's encoding: {@code fromJson(o.toJson())} equals {@code o}. */
  public String toJson() {
    return Json.encodeOutputs(values);
  }

  /** The value of one output; null when there is no such output. */
  public Object get(String name) {
    return values.get(name);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Output name -> value, in order; unmodifiable. */
  public Map<String, Object> asMap() {
    return values;
  }

  /**
   * The artifacts among the outputs, by their path: the output name, then {@code [i]} into a list
   * and {@code .key} into a map (as {@link Json#artifacts} finds them), in order.
   */
  public Map<String, Artifact> artifacts() {
    Map<String, Artifact> arts = new LinkedHashMap<>();
    values.forEach((k, v) -> Json.artifacts(v, k, arts));
    return Collections.unmodifiableMap(arts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepOutputs s && s.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  private static Object frozen(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, frozen(x)));
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object x : l) out.add(frozen(x));
      return Collections.unmodifiableList(out);
    }
    return v;
  }
}
