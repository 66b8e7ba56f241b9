package dev.kiln.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiln.api.Artifact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the store: canonical (sorted keys, so equal values hash equally) and the encoding of
 * step outputs, where an artifact is {@code {"artifact": {...}}} and anything else {@code
 * {"value": ...}}.
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .build();

  private Json() {}

  public static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode read(String s) {
    try {
      return MAPPER.readTree(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt JSON in the run store: " + e.getOriginalMessage(), e);
    }
  }

  public static String encodeOutputs(Map<String, Object> outputs) {
    Map<String, Object> out = new LinkedHashMap<>();
    outputs.forEach((k, v) -> out.put(k, v instanceof Artifact a ? Map.of("artifact", a) : java.util.Collections.singletonMap("value", v)));
    return write(out);
  }

  /** The one decoder of stored outputs; read a record's outputs with {@code StepOutputs.of(record)}, which decodes each once. */
  public static Map<String, Object> decodeOutputs(String json) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (json == null) return out;
    JsonNode n = read(json);
    n.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      if (v.has("artifact")) out.put(e.getKey(), MAPPER.convertValue(v.get("artifact"), Artifact.class));
      else out.put(e.getKey(), plain(v.get("value")));
    });
    return out;
  }

  /** Plain Java values from JSON: Long for integers, Double for other numbers. */
  public static Object plain(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (n.isBoolean()) return n.booleanValue();
    if (n.isIntegralNumber()) return n.longValue();
    if (n.isNumber()) return n.doubleValue();
    if (n.isTextual()) return n.textValue();
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(i -> l.add(plain(i)));
      return l;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
    return m;
  }

  /** Artifacts in a value tree, by their path in it. */
  public static void artifacts(Object v, String path, Map<String, Artifact> into) {
    if (v instanceof Artifact a) {
      into.put(path, a);
    } else if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) artifacts(l.get(i), path + "[" + i + "]", into);
    } else if (v instanceof Map<?, ?> m) {
      m.forEach((k, x) -> artifacts(x, path + "." + k, into));
    }
  }
}
