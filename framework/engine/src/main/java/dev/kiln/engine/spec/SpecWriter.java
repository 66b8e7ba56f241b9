package dev.kiln.engine.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.engine.yaml.Node;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a spec back to pipeline YAML, in its explicit form (every param declared in full). */
public final class SpecWriter {
  private static final ObjectMapper YAML = new ObjectMapper(
      YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build());

  private SpecWriter() {}

  public static String toYaml(PipelineSpec spec) {
    try {
      return YAML.writeValueAsString(toPlain(spec));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The spec as plain maps and lists, without source locations. */
  public static Map<String, Object> toPlain(PipelineSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", spec.name());
    if (spec.description() != null) m.put("description", spec.description());
    if (!spec.params().isEmpty()) {
      Map<String, Object> ps = new LinkedHashMap<>();
      for (ParamSpec p : spec.params().values()) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", p.type().yamlName());
        if (p.defaultValue() != null) d.put("default", p.defaultValue());
        if (p.min() != null) d.put("min", p.min());
        if (p.max() != null) d.put("max", p.max());
        if (!p.choices().isEmpty()) d.put("choices", p.choices());
        if (p.description() != null) d.put("description", p.description());
        ps.put(p.name(), d);
      }
      m.put("params", ps);
    }
    if (!spec.env().isEmpty()) m.put("env", plain(spec.env()));
    Map<String, Object> steps = new LinkedHashMap<>();
    for (StepSpec s : spec.steps().values()) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("uses", s.uses());
      if (!s.needs().isEmpty()) st.put("needs", s.needs().stream().map(StepSpec.Need::step).toList());
      if (s.condition() != null) st.put("if", s.condition().value());
      if (!s.retry().equals(RetrySpec.NONE)) {
        st.put("retry", Map.of("attempts", s.retry().attempts(), "backoff", Durations.format(s.retry().backoff()), "factor", s.retry().factor()));
      }
      if (s.timeout() != null) st.put("timeout", Durations.format(s.timeout()));
      if (!s.cache()) st.put("cache", false);
      if (!s.matrix().isEmpty()) {
        Map<String, Object> mx = new LinkedHashMap<>();
        s.matrix().forEach((k, vs) -> mx.put(k, vs.stream().map(Values::plain).toList()));
        st.put("matrix", mx);
      }
      if (s.forEach() != null) st.put("for-each", s.forEach().value());
      if (s.maxParallel() != null) st.put("max-parallel", s.maxParallel());
      if (!s.env().isEmpty()) st.put("env", plain(s.env()));
      if (s.with() != null && !s.with().entries().isEmpty()) st.put("with", Values.plain(s.with()));
      steps.put(s.id(), st);
    }
    m.put("steps", steps);
    if (!spec.outputs().isEmpty()) m.put("outputs", plain(spec.outputs()));
    return m;
  }

  private static Map<String, Object> plain(Map<String, Node> nodes) {
    Map<String, Object> out = new LinkedHashMap<>();
    nodes.forEach((k, v) -> out.put(k, Values.plain(v)));
    return out;
  }
}
