package dev.kiln.engine.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.StepRunRecord;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a recorded step instance's cache key was computed from ({@link
 * StepRunRecord#cacheComponents()}, written by {@code CacheKey}): the step type, its
 * implementation hash, the canonical params, the inputs and the declared environment.
 *
 * @param params the canonical params as plain values (a Map for a step with params); null when none
 * @param inputs input name -> content hash: {@code file:<path>} for imported files, {@code
 *     <system>:<path>} for versioned data (e.g. {@code dvc:data/x.csv -> dvc:md5:...})
 * @param env declared environment variable -> value (secrets masked)
 */
public record CacheComponents(String step, String implementation, Object params, Map<String, String> inputs, Map<String, String> env) {

  /** The components of a recorded instance; empty when it never got a cache key (skipped, or stopped before its inputs were resolved). */
  public static Optional<CacheComponents> of(StepRunRecord r) {
    return r.cacheComponents() == null ? Optional.empty() : Optional.of(fromJson(r.cacheComponents()));
  }

  public static CacheComponents fromJson(String json) {
    JsonNode c = Json.read(json);
    return new CacheComponents(text(c.get("step")), text(c.get("implementation")), Json.plain(c.get("params")), strings(c.path("inputs")), strings(c.path("env")));
  }

  /** The params as name -> value; empty when the params are not an object. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> paramsMap() {
    return params instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Map<String, String> strings(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return Collections.unmodifiableMap(out);
  }
}
