package dev.kiln.engine.spec;

import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.diag.Suggest;
import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import dev.kiln.engine.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns YAML into a {@link PipelineSpec}: the structure (which keys exist, their types), not yet
 * the meaning (step types, references, cycles), which {@code Validator} checks. Problems are
 * collected, never thrown.
 */
public final class SpecLoader {
  public static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");

  private static final Set<String> TOP = Set.of("name", "description", "params", "env", "tracking", "steps", "outputs");
  private static final Set<String> STEP =
      Set.of("uses", "name", "description", "with", "needs", "if", "retry", "timeout", "cache", "matrix", "env", "for-each", "max-parallel");
  private static final Set<String> PARAM_DECL = Set.of("type", "default", "min", "max", "choices", "description");
  private static final Set<String> RETRY = Set.of("attempts", "backoff", "factor");

  private final YamlReader reader = new YamlReader();

  /** Loads a file. The result is empty when the YAML could not be read at all. */
  public Optional<PipelineSpec> load(Path file, String displayName, Problems problems) {
    return YamlReader.readBytes(file, displayName, problems).flatMap(bytes -> load(bytes, displayName, problems));
  }

  public Optional<PipelineSpec> load(byte[] bytes, String displayName, Problems problems) {
    Optional<Node> root = reader.read(bytes, displayName, problems);
    if (root.isEmpty()) return Optional.empty();
    if (!(root.get() instanceof MapNode map)) {
      problems.add(root.get().location(), Code.E008, "", "the pipeline must be a YAML mapping, found a " + root.get().kindName(), "start with \"name: <pipeline name>\" and a \"steps:\" mapping");
      return Optional.empty();
    }
    return Optional.of(pipeline(map, displayName, new String(bytes, StandardCharsets.UTF_8), problems));
  }

  private PipelineSpec pipeline(MapNode root, String file, String source, Problems p) {
    unknownKeys(root, TOP, "", "pipeline properties", p);
    String name = requiredString(root, "name", "", p);
    if (name != null && !ID.matcher(name).matches()) {
      p.add(root.get("name").location(), Code.E105, "name", "pipeline names must match " + ID.pattern() + ", found \"" + name + "\"", "use lowercase letters, digits, '-' and '_'");
    }
    String description = optionalString(root, "description", "", p);
    Map<String, ParamSpec> params = params(root.get("params"), p);
    Map<String, Node> env = env(root.get("env"), "env", p);
    Map<String, StepSpec> steps = new LinkedHashMap<>();
    Node stepsNode = root.get("steps");
    if (stepsNode == null) {
      p.add(root.location(), Code.E102, "", "a pipeline must have \"steps:\", found none", "add a \"steps:\" mapping of step id -> step");
    } else if (!(stepsNode instanceof MapNode sm)) {
      wrongType(stepsNode, "steps", "a mapping of step id -> step", p);
    } else if (sm.entries().isEmpty()) {
      p.add(sm.location(), Code.E106, "steps", "a pipeline must have at least one step, found none", "add a step with \"uses:\"");
    } else {
      for (MapNode.Entry e : sm.entries().values()) {
        if (!ID.matcher(e.key()).matches()) {
          p.add(e.keyLocation(), Code.E105, "steps." + e.key(), "step ids must match " + ID.pattern() + ", found \"" + e.key() + "\"", "use lowercase letters, digits, '-' and '_', starting with a letter");
          continue;
        }
        step(e, p).ifPresent(s -> steps.put(s.id(), s));
      }
    }
    return new PipelineSpec(file, source, name == null ? "" : name, description, params, env, steps, tracking(root.get("tracking"), p), root.location(),
        outputs(root.get("outputs"), p), Map.of());
  }

  /** {@code outputs: {name: value}}: what a pipeline gives the pipeline that includes it. */
  private Map<String, Node> outputs(Node node, Problems p) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (node == null) return out;
    if (!(node instanceof MapNode m)) {
      wrongType(node, "outputs", "a mapping of output name -> ${{ steps.<id>.outputs.<name> }}", p);
      return out;
    }
    for (MapNode.Entry e : m.entries().values()) {
      if (!PARAM_NAME.matcher(e.key()).matches()) {
        p.add(e.keyLocation(), Code.E105, "outputs." + e.key(), "output names must match " + PARAM_NAME.pattern() + ", found \"" + e.key() + "\"", null);
      } else if (!(e.value() instanceof ScalarNode s) || s.isNull()) {
        wrongType(e.value(), "outputs." + e.key(), "an expression such as ${{ steps.<id>.outputs.<name> }} or a scalar", p);
      } else {
        out.put(e.key(), e.value());
      }
    }
    return out;
  }

  private PipelineSpec.Tracking tracking(Node node, Problems p) {
    if (node == null) return PipelineSpec.Tracking.NONE;
    if (!(node instanceof MapNode m)) {
      wrongType(node, "tracking", "a mapping with \"experiment:\" and/or \"tags:\"", p);
      return PipelineSpec.Tracking.NONE;
    }
    unknownKeys(m, Set.of("experiment", "tags"), "tracking", "tracking properties", p);
    String experiment = optionalString(m, "experiment", "tracking", p);
    if (experiment != null && experiment.isBlank()) {
      wrongType(m.get("experiment"), "tracking.experiment", "a non-empty string", p);
      experiment = null;
    }
    Map<String, String> tags = new LinkedHashMap<>();
    env(m.get("tags"), "tracking.tags", p).forEach((k, v) -> tags.put(k, ((ScalarNode) v).text()));
    return new PipelineSpec.Tracking(experiment, tags);
  }

  private Map<String, ParamSpec> params(Node node, Problems p) {
    Map<String, ParamSpec> out = new LinkedHashMap<>();
    if (node == null) return out;
    if (!(node instanceof MapNode m)) {
      wrongType(node, "params", "a mapping of param name -> default or declaration", p);
      return out;
    }
    for (MapNode.Entry e : m.entries().values()) {
      String path = "params." + e.key();
      if (!PARAM_NAME.matcher(e.key()).matches()) {
        p.add(e.keyLocation(), Code.E105, path, "param names must match " + PARAM_NAME.pattern() + ", found \"" + e.key() + "\"", null);
        continue;
      }
      Node v = e.value();
      if (v instanceof MapNode decl) {
        declaredParam(e, decl, path, p).ifPresent(ps -> out.put(ps.name(), ps));
      } else {
        Object def = Values.plain(v);
        if (v instanceof ScalarNode s && s.hasExpression()) {
          p.add(v.location(), Code.E110, path, "param defaults must be literal values, found an expression", "set the value itself; params cannot reference other values");
          continue;
        }
        if (def == null) {
          p.add(v.location(), Code.E110, path, "a param needs a default or a declaration, found null", "write \"" + e.key() + ": {type: string}\" for a param that must be given with -p");
          out.put(e.key(), new ParamSpec(e.key(), ParamType.STRING, null, null, null, List.of(), null, e.keyLocation()));
          continue;
        }
        out.put(e.key(), new ParamSpec(e.key(), ParamType.of(def), def, null, null, List.of(), null, e.keyLocation()));
      }
    }
    return out;
  }

  private Optional<ParamSpec> declaredParam(MapNode.Entry e, MapNode decl, String path, Problems p) {
    unknownKeys(decl, PARAM_DECL, path, "param declaration properties", p);
    ParamType type = null;
    Node typeNode = decl.get("type");
    Object def = decl.has("default") ? Values.plain(decl.get("default")) : null;
    if (typeNode != null) {
      String t = typeNode instanceof ScalarNode s ? s.text() : "";
      for (ParamType pt : ParamType.values()) if (pt.yamlName().equals(t)) type = pt;
      if (type == null) {
        p.add(typeNode.location(), Code.E110, path + ".type", "type must be one of string, int, float, bool, list, map; found \"" + t + "\"", null);
        return Optional.of(new ParamSpec(e.key(), ParamType.STRING, def, null, null, List.of(), null, e.keyLocation()));
      }
    } else if (def != null) {
      type = ParamType.of(def);
    } else {
      p.add(decl.location(), Code.E110, path, "a param declaration needs \"type:\" or \"default:\", found neither", "add \"type: string\" (or int, float, bool, list, map)");
      return Optional.empty();
    }
    if (def != null && !type.accepts(def)) {
      p.add(decl.get("default").location(), Code.E110, path + ".default", "default must be of type " + type.yamlName() + ", found " + decl.get("default").kindName(), null);
    }
    Double min = number(decl, "min", path, p);
    Double max = number(decl, "max", path, p);
    if (min != null && max != null && min > max) {
      p.add(decl.get("min").location(), Code.E110, path + ".min", "min must be <= max, found min " + fmt(min) + " > max " + fmt(max), null);
    }
    if (def instanceof Number n && ((min != null && n.doubleValue() < min) || (max != null && n.doubleValue() > max))) {
      p.add(decl.get("default").location(), Code.E110, path + ".default", "default must be within [" + fmt(min) + ", " + fmt(max) + "], found " + n, null);
    }
    List<Object> choices = List.of();
    Node ch = decl.get("choices");
    if (ch != null) {
      if (ch instanceof ListNode l && !l.items().isEmpty()) {
        choices = new ArrayList<>();
        for (Node n : l.items()) choices.add(Values.plain(n));
        if (def != null && !choices.contains(def)) {
          p.add(decl.get("default").location(), Code.E110, path + ".default", "default must be one of the choices " + choices + ", found " + def, null);
        }
      } else {
        wrongType(ch, path + ".choices", "a non-empty list", p);
      }
    }
    String description = optionalString(decl, "description", path, p);
    // a broken declaration is still registered (its problems stop the run), so references to it
    // do not cascade into "unknown param" errors
    return Optional.of(new ParamSpec(e.key(), type, def, min, max, List.copyOf(choices), description, e.keyLocation()));
  }

  private static String fmt(Double d) {
    if (d == null) return "-inf";
    return d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
  }

  private Double number(MapNode m, String key, String path, Problems p) {
    Node n = m.get(key);
    if (n == null) return null;
    if (n instanceof ScalarNode s && (s.kind() == ScalarNode.Kind.INT || s.kind() == ScalarNode.Kind.FLOAT)) {
      return ((Number) s.value()).doubleValue();
    }
    wrongType(n, path + "." + key, "a number", p);
    return null;
  }

  private Map<String, Node> env(Node node, String path, Problems p) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (node == null) return out;
    if (!(node instanceof MapNode m)) {
      wrongType(node, path, "a mapping of variable name -> value", p);
      return out;
    }
    for (MapNode.Entry e : m.entries().values()) {
      if (!(e.value() instanceof ScalarNode s) || s.isNull()) {
        wrongType(e.value(), path + "." + e.key(), "a string, number or boolean", p);
      } else {
        out.put(e.key(), e.value());
      }
    }
    return out;
  }

  private Optional<StepSpec> step(MapNode.Entry entry, Problems p) {
    String id = entry.key();
    String path = "steps." + id;
    if (!(entry.value() instanceof MapNode m)) {
      wrongType(entry.value(), path, "a mapping with \"uses:\"", p);
      return Optional.empty();
    }
    unknownKeys(m, STEP, path, "step properties", p);
    String uses = requiredString(m, "uses", path, p);
    Location usesAt = m.has("uses") ? m.get("uses").location() : m.location();
    MapNode with = new MapNode(Map.of(), m.has("with") ? m.get("with").location() : m.location());
    Node w = m.get("with");
    if (w instanceof MapNode wm) {
      with = wm;
    } else if (w != null && !(w instanceof ScalarNode s && s.isNull())) {
      wrongType(w, path + ".with", "a mapping of parameter -> value", p);
      with = null; // not checked further: its parameters are unknown
    }
    List<StepSpec.Need> needs = new ArrayList<>();
    Node n = m.get("needs");
    if (n instanceof ScalarNode s && s.kind() == ScalarNode.Kind.STRING) {
      needs.add(new StepSpec.Need(s.text(), s.location()));
    } else if (n instanceof ListNode l) {
      for (Node item : l.items()) {
        if (item instanceof ScalarNode s && s.kind() == ScalarNode.Kind.STRING) needs.add(new StepSpec.Need(s.text(), s.location()));
        else wrongType(item, path + ".needs", "a step id", p);
      }
    } else if (n != null) {
      wrongType(n, path + ".needs", "a step id or a list of step ids", p);
    }
    ScalarNode condition = null;
    Node c = m.get("if");
    if (c != null) {
      if (c instanceof ScalarNode s && (s.hasExpression() || s.kind() == ScalarNode.Kind.BOOL)) {
        condition = s;
      } else {
        p.add(c.location(), Code.E153, path + ".if", "if must be an expression ${{ ... }} or a boolean, found " + describe(c), "write e.g. if: ${{ params.deploy }}");
      }
    }
    RetrySpec retry = retry(m.get("retry"), path + ".retry", p);
    Duration timeout = null;
    Node t = m.get("timeout");
    if (t != null) timeout = duration(t, path + ".timeout", p).orElse(null);
    boolean cache = true;
    Node cn = m.get("cache");
    if (cn != null) {
      if (cn instanceof ScalarNode s && s.kind() == ScalarNode.Kind.BOOL) cache = (Boolean) s.value();
      else wrongType(cn, path + ".cache", "true or false", p);
    }
    Map<String, List<Node>> matrix = new LinkedHashMap<>();
    Node mx = m.get("matrix");
    if (mx != null) {
      if (!(mx instanceof MapNode mm) || mm.entries().isEmpty()) {
        p.add(mx.location(), Code.E152, path + ".matrix", "matrix must be a mapping of axis -> list of values, found " + describe(mx), "write e.g. matrix: {depth: [2, 4, 8]}");
      } else {
        for (MapNode.Entry e : mm.entries().values()) {
          if (!PARAM_NAME.matcher(e.key()).matches()) {
            p.add(e.keyLocation(), Code.E105, path + ".matrix." + e.key(), "matrix axis names must match " + PARAM_NAME.pattern() + ", found \"" + e.key() + "\"", null);
          } else if (e.value() instanceof ListNode l && !l.items().isEmpty()) {
            matrix.put(e.key(), l.items());
          } else {
            p.add(e.value().location(), Code.E152, path + ".matrix." + e.key(), "a matrix axis must be a non-empty list of values, found " + describe(e.value()), "write e.g. " + e.key() + ": [a, b]");
          }
        }
      }
    }
    Map<String, Node> env = env(m.get("env"), path + ".env", p);
    ScalarNode forEach = null;
    Node fe = m.get("for-each");
    if (fe != null) {
      if (fe instanceof ScalarNode s && s.hasExpression()) {
        forEach = s;
        if (mx != null) p.add(fe.location(), Code.E154, path + ".for-each", "a step has matrix: or for-each:, not both", "fan out over one list: compute the combinations in a step and use for-each:");
      } else {
        p.add(fe.location(), Code.E154, path + ".for-each", "for-each must be an expression over a list output, found " + describe(fe), "write e.g. for-each: ${{ steps.regions.outputs.items }}");
      }
    }
    Integer maxParallel = null;
    Node mp = m.get("max-parallel");
    if (mp != null) {
      if (mp instanceof ScalarNode s && s.kind() == ScalarNode.Kind.INT && (Long) s.value() >= 1 && (Long) s.value() <= 10_000) {
        maxParallel = ((Long) s.value()).intValue();
        if (mx == null && fe == null) p.add(mp.location(), Code.E155, path + ".max-parallel", "max-parallel bounds a fan-out, but this step has no matrix: or for-each:", "remove max-parallel:, or add matrix: or for-each:");
      } else {
        p.add(mp.location(), Code.E155, path + ".max-parallel", "max-parallel must be a whole number from 1 to 10000, found " + describe(mp), "write e.g. max-parallel: 4");
      }
    }
    if (uses == null) return Optional.empty();
    return Optional.of(new StepSpec(id, entry.keyLocation(), uses, usesAt, with, List.copyOf(needs), condition, retry, timeout, cache, matrix, mx == null ? null : mx.location(), env, forEach, maxParallel));
  }

  private RetrySpec retry(Node node, String path, Problems p) {
    if (node == null) return RetrySpec.NONE;
    if (node instanceof ScalarNode s && s.kind() == ScalarNode.Kind.INT) {
      long n = (Long) s.value();
      if (n < 1 || n > 100) {
        p.add(s.location(), Code.E150, path, "retry attempts must be between 1 and 100, found " + n, null);
        return RetrySpec.NONE;
      }
      return new RetrySpec((int) n, Duration.ofSeconds(1), 2.0);
    }
    if (!(node instanceof MapNode m)) {
      p.add(node.location(), Code.E150, path, "retry must be a number of attempts or {attempts, backoff, factor}, found " + describe(node), "write e.g. retry: {attempts: 3, backoff: 2s}");
      return RetrySpec.NONE;
    }
    unknownKeys(m, RETRY, path, "retry properties", p);
    int attempts = 1;
    Node a = m.get("attempts");
    if (a instanceof ScalarNode s && s.kind() == ScalarNode.Kind.INT && (Long) s.value() >= 1 && (Long) s.value() <= 100) {
      attempts = ((Long) s.value()).intValue();
    } else {
      p.add(a == null ? m.location() : a.location(), Code.E150, path + ".attempts", "attempts must be an integer between 1 and 100, found " + (a == null ? "nothing" : describe(a)), null);
    }
    Duration backoff = Duration.ofSeconds(1);
    if (m.has("backoff")) backoff = duration(m.get("backoff"), path + ".backoff", p).orElse(backoff);
    double factor = 2.0;
    Node f = m.get("factor");
    if (f != null) {
      Object v = f instanceof ScalarNode s ? s.value() : null;
      if (v instanceof Number num && num.doubleValue() >= 1.0 && num.doubleValue() <= 10.0) factor = num.doubleValue();
      else p.add(f.location(), Code.E150, path + ".factor", "factor must be a number between 1 and 10, found " + describe(f), null);
    }
    return new RetrySpec(attempts, backoff, factor);
  }

  private Optional<Duration> duration(Node node, String path, Problems p) {
    Optional<Duration> d = Optional.empty();
    if (node instanceof ScalarNode s && (s.kind() == ScalarNode.Kind.STRING || s.kind() == ScalarNode.Kind.INT)) {
      d = Durations.parse(s.text());
    }
    if (d.isEmpty() || d.get().isZero()) {
      p.add(node.location(), Code.E151, path, "a duration must be a positive number of ms, s, m, h or d, found " + describe(node), "write e.g. 30s, 5m or 1h30m");
      return Optional.empty();
    }
    return d;
  }

  private static void unknownKeys(MapNode m, Set<String> allowed, String path, String listName, Problems p) {
    for (MapNode.Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        String where = path.isEmpty() ? e.key() : path + "." + e.key();
        p.add(e.keyLocation(), Code.E101, where, "unknown property \"" + e.key() + "\"", Suggest.hint(e.key(), allowed, listName));
      }
    }
  }

  private static String requiredString(MapNode m, String key, String path, Problems p) {
    Node n = m.get(key);
    String where = path.isEmpty() ? key : path + "." + key;
    if (n == null) {
      p.add(m.location(), Code.E102, path, "\"" + key + "\" is required, found nothing", null);
      return null;
    }
    if (n instanceof ScalarNode s && s.kind() == ScalarNode.Kind.STRING && !s.text().isBlank()) return s.text();
    wrongType(n, where, "a non-empty string", p);
    return null;
  }

  private static String optionalString(MapNode m, String key, String path, Problems p) {
    Node n = m.get(key);
    if (n == null) return null;
    if (n instanceof ScalarNode s && !s.isNull()) return s.text();
    wrongType(n, path.isEmpty() ? key : path + "." + key, "a string", p);
    return null;
  }

  static void wrongType(Node n, String path, String expected, Problems p) {
    p.add(n.location(), Code.E103, path, "expected " + expected + ", found " + describe(n), null);
  }

  public static String describe(Node n) {
    if (n instanceof ScalarNode s) {
      return s.isNull() ? "null" : s.kindName() + " \"" + abbreviate(s.text()) + "\"";
    }
    if (n instanceof ListNode l && l.items().isEmpty()) return "an empty list";
    if (n instanceof MapNode m && m.entries().isEmpty()) return "an empty mapping";
    return "a " + n.kindName();
  }

  static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}
