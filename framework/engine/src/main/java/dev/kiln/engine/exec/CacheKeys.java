package dev.kiln.engine.exec;

import dev.kiln.engine.resolve.SecretMask;

import dev.kiln.api.Artifact;
import dev.kiln.api.DataVersioning;
import dev.kiln.api.StepType;
import dev.kiln.engine.cache.CacheKey;
import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import dev.kiln.engine.yaml.ValueNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cache key of a step instance's bound params: the step type and version, a hash of its code,
 * its params in canonical form (artifacts by content hash, secrets masked, values shown as they are
 * persisted), the content hashes and tracked versions of the files it imported, and its declared
 * environment.
 */
final class CacheKeys {
  private final SecretMask secrets;
  private final CodeHash codeHashes = new CodeHash();

  CacheKeys(SecretMask secrets) {
    this.secrets = secrets;
  }

  CacheKey of(StepType<?> type, MapNode with, Map<String, Artifact> imported, Map<String, String> declaredEnv, InputFiles files) {
    Map<String, String> inputs = new TreeMap<>();
    Object canonical = secrets.maskSorted(canonical(with));
    imported.forEach((path, a) -> {
      inputs.put("file:" + path, a.sha256());
      DataVersioning.DataVersion v = files.version(path);
      if (v != null) inputs.put(v.system() + ":" + v.path(), v.label());
    });
    return CacheKey.of(type.name() + "@" + type.version(), codeHashes.of(type), canonical, inputs, declaredEnv);
  }

  /** Params as canonical JSON-able values: artifacts by hash, values in their shown form (secrets masked). */
  private static Object canonical(Node n) {
    if (n instanceof ValueNode v) {
      if (v.hasShownForm()) return v.redacted();
      return canonicalValue(v.value());
    }
    if (n instanceof MapNode m) {
      Map<String, Object> out = new TreeMap<>();
      m.entries().forEach((k, e) -> out.put(k, canonical(e.value())));
      return out;
    }
    if (n instanceof ListNode l) return l.items().stream().map(CacheKeys::canonical).toList();
    return ((ScalarNode) n).value();
  }

  private static Object canonicalValue(Object v) {
    if (v instanceof Artifact a) return "sha256:" + a.sha256();
    if (v instanceof List<?> l) return l.stream().map(CacheKeys::canonicalValue).toList();
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), canonicalValue(x)));
      return out;
    }
    return v;
  }
}
