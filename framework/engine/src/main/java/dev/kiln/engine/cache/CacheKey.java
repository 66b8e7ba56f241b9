package dev.kiln.engine.cache;

import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.engine.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A step instance's cache key: sha256 over its components: the step type with its version and
 * implementation hash, the canonical params (artifacts by content hash, secrets masked), the
 * content hashes of its inputs, and its declared environment. Two instances with equal keys
 * produce the same outputs, so the second can reuse the first's.
 *
 * @param components name -> canonical JSON-able value, kept for {@code kiln explain}
 */
public record CacheKey(String digest, Map<String, Object> components) {

  public static CacheKey of(String stepType, String implementation, Object params, Map<String, String> inputs, Map<String, String> env) {
    Map<String, Object> c = new TreeMap<>();
    c.put("step", stepType);
    c.put("implementation", implementation);
    c.put("params", params);
    c.put("inputs", new TreeMap<>(inputs));
    c.put("env", new TreeMap<>(env));
    String json = Json.write(c);
    return new CacheKey(ArtifactStore.hash(json.getBytes(StandardCharsets.UTF_8)), c);
  }

  public String componentsJson() {
    return Json.write(components);
  }
}
