package dev.kiln.engine.spec;

import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.diag.Suggest;
import dev.kiln.engine.diag.Location;
import java.util.LinkedHashMap;
import java.util.Map;

/** The values of a pipeline's params: defaults, then {@code -p name=value} overrides. */
public final class ParamValues {
  private ParamValues() {}

  /** Where {@code -p} problems are reported. */
  public static final String COMMAND_LINE = "command line";

  public static Map<String, Object> resolve(PipelineSpec spec, Map<String, String> overrides, Problems problems) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (ParamSpec p : spec.params().values()) {
      if (p.defaultValue() != null) values.put(p.name(), p.defaultValue());
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      Location at = Location.file(COMMAND_LINE);
      String path = "-p " + o.getKey();
      ParamSpec p = spec.params().get(o.getKey());
      if (p == null) {
        problems.add(at, Code.E112, path, "pipeline \"" + spec.name() + "\" has no param \"" + o.getKey() + "\"", Suggest.hint(o.getKey(), spec.params().keySet(), "its params"));
        continue;
      }
      Object v;
      try {
        v = p.type().parse(o.getValue());
      } catch (IllegalArgumentException e) {
        problems.add(at, Code.E111, path, "expected " + p.type().yamlName() + ", found \"" + o.getValue() + "\"", null);
        continue;
      }
      if (check(p, v, at, path, problems)) values.put(p.name(), v);
    }
    for (ParamSpec p : spec.params().values()) {
      if (!values.containsKey(p.name()) && !overrides.containsKey(p.name())) {
        problems.add(p.location(), Code.E111, "params." + p.name(), "param \"" + p.name() + "\" has no default and was not given", "run with -p " + p.name() + "=<" + p.type().yamlName() + ">");
      }
    }
    return values;
  }

  /** Checks a value against the param's range and choices (also a sub-pipeline's param given in with:). */
  public static boolean check(ParamSpec p, Object v, Location at, String path, Problems problems) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if ((p.min() != null && d < p.min()) || (p.max() != null && d > p.max())) {
        problems.add(at, Code.E111, path, "must be between " + num(p.min()) + " and " + num(p.max()) + ", found " + v, null);
        return false;
      }
    }
    if (!p.choices().isEmpty() && !p.choices().contains(v)) {
      problems.add(at, Code.E111, path, "must be one of " + p.choices() + ", found " + v, null);
      return false;
    }
    return true;
  }

  private static String num(Double d) {
    if (d == null) return "unbounded";
    return d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
  }
}
