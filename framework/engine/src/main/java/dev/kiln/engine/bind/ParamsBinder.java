package dev.kiln.engine.bind;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Param;
import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.diag.Suggest;
import dev.kiln.engine.spec.Durations;
import dev.kiln.engine.spec.SpecLoader;
import dev.kiln.engine.spec.Values;
import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import dev.kiln.engine.yaml.ValueNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a step's {@code with:} block to its params record. The same code checks statically (before
 * the run, expressions not yet known: {@link Mode#CHECK}) and builds the record at run time
 * (expressions replaced by {@link ValueNode}s: {@link Mode#BUILD}), so both report the same
 * problems in the same words.
 */
public final class ParamsBinder {
  /** Whether to only check or also build. */
  public enum Mode {
    CHECK,
    BUILD
  }

  /** What binding needs from the run: turning artifacts into paths and files into artifacts. */
  public interface Runtime {
    Path pathOf(Artifact artifact);

    Artifact importFile(String path, Location at);
  }

  /**
   * Checks an expression scalar where its value is not known yet; may add problems when the
   * expression's type is known (e.g. a typed pipeline param) and does not fit.
   */
  public interface Deferred {
    void check(ScalarNode expression, Type target, String targetName, String path, Problems problems);
  }

  private static final Object DEFERRED = new Object();
  private static final Object INVALID = new Object();

  private final Mode mode;
  private final Runtime runtime;
  private final Deferred deferred;
  private final Problems problems;

  public ParamsBinder(Mode mode, Runtime runtime, Deferred deferred, Problems problems) {
    this.mode = mode;
    this.runtime = runtime;
    this.deferred = deferred;
    this.problems = problems;
  }

  /** Binds; returns empty in CHECK mode or when there were problems. */
  public <P extends Record> Optional<P> bind(Class<P> type, MapNode with, String path) {
    Object o = record(type, with, path);
    if (mode == Mode.CHECK && o == INVALID) return Optional.empty();
    if (mode == Mode.CHECK || o == INVALID || o == DEFERRED) return Optional.empty();
    return Optional.of(type.cast(o));
  }

  private Object record(Class<?> type, MapNode m, String path) {
    @SuppressWarnings("unchecked")
    ParamsSchema schema = ParamsSchema.of((Class<? extends Record>) type);
    for (MapNode.Entry e : m.entries().values()) {
      if (!schema.names().contains(e.key())) {
        problems.add(e.keyLocation(), Code.E120, path + "." + e.key(), "unknown parameter \"" + e.key() + "\"", Suggest.hint(e.key(), schema.names(), "valid parameters"));
      }
    }
    Object[] args = new Object[schema.fields().size()];
    boolean ok = true;
    int i = 0;
    for (ParamsSchema.Field f : schema.fields()) {
      Node n = m.get(f.yamlName());
      Class<?> raw = f.component().getType();
      if (n == null || (n instanceof ScalarNode s && s.isNull()) || (n instanceof ValueNode v && v.value() == null)) {
        if (f.required()) {
          problems.add(m.location(), Code.E121, path + "." + f.yamlName(), "\"" + f.yamlName() + "\" is required (" + f.typeName() + "), found nothing", f.description().isEmpty() ? null : f.yamlName() + ": " + f.description());
          ok = false;
        }
        args[i++] = zero(raw);
        continue;
      }
      Object v = convert(n, f.genericType(), f.param(), path + "." + f.yamlName());
      if (v == INVALID) ok = false;
      args[i++] = v;
    }
    if (!ok) return INVALID;
    // in CHECK mode the record is still built when every value is known, so its own checks run
    boolean deferredArgs = false;
    for (Object a : args) if (a == DEFERRED) deferredArgs = true;
    if (deferredArgs) {
      if (mode == Mode.CHECK) checkKnownParts(type, schema, args, m, path);
      return DEFERRED;
    }
    try {
      return construct(type, schema, args);
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      if (t instanceof InvalidParamException ipe) {
        addLocated(m, ipe, path);
      } else {
        problems.add(m.location(), Code.E123, path, String.valueOf(t.getMessage()), null);
      }
      return INVALID;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getName(), e);
    }
  }

  /**
   * Some values are not known before the run (expressions, files to import): builds the record with
   * those left empty and reports only the {@link InvalidParamException}s it throws about values
   * that are known, e.g. an unknown hyperparameter when only the data file is deferred.
   */
  private void checkKnownParts(Class<?> type, ParamsSchema schema, Object[] args, MapNode m, String path) {
    Object[] probe = args.clone();
    java.util.Set<String> deferredNames = new java.util.HashSet<>();
    for (int j = 0; j < probe.length; j++) {
      Class<?> raw = schema.fields().get(j).component().getType();
      if (probe[j] == DEFERRED) {
        deferredNames.add(schema.fields().get(j).yamlName());
        // present but unknown: a placeholder the record's own checks accept as "given"
        if (raw == Artifact.class) probe[j] = new Artifact("0".repeat(64), 0, "application/octet-stream", "(not imported yet)");
        else if (raw == String.class) probe[j] = "\u0000deferred";
        else probe[j] = zero(raw);
      }
    }
    try {
      construct(type, schema, probe);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof InvalidParamException ipe && !deferredNames.contains(ipe.param().split("\\.")[0])) {
        addLocated(m, ipe, path);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // only explicit, located problems are reported from a partial record
    }
    checkWholeRecord(type, schema, args, m, path);
  }

  /** More deferred values that may turn out absent than this are not tried in every combination. */
  private static final int MAX_UNKNOWN_PRESENCE = 8;

  /**
   * A record-level check (a plain {@link IllegalArgumentException}, such as kiln/command's "give
   * exactly one of run and argv") looks at which params are given, which the literal YAML usually
   * decides even when the values hold expressions: {@code run: echo ${{ x }}} is given, whatever x
   * is. So the record is built once for every way the unknown parts could turn out — each deferred
   * value given, and absent too where it is a whole {@code ${{ }}} that might yield null — and the
   * problem is reported only when every one of them fails.
   */
  private void checkWholeRecord(Class<?> type, ParamsSchema schema, Object[] args, MapNode m, String path) {
    int n = args.length;
    Object[] given = args.clone();
    List<Integer> mayBeAbsent = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      if (args[j] != DEFERRED) continue;
      ParamsSchema.Field f = schema.fields().get(j);
      Node node = m.get(f.yamlName());
      given[j] = placeholder(node, f.genericType());
      if (isWholeExpression(node) && !f.component().getType().isPrimitive()) mayBeAbsent.add(j);
    }
    if (mayBeAbsent.size() > MAX_UNKNOWN_PRESENCE) return;
    String message = null;
    for (int world = 0; world < 1 << mayBeAbsent.size(); world++) {
      Object[] probe = given.clone();
      for (int b = 0; b < mayBeAbsent.size(); b++) {
        if ((world & (1 << b)) != 0) probe[mayBeAbsent.get(b)] = null;
      }
      try {
        construct(type, schema, probe);
        return; // some outcome of the expressions makes the record valid
      } catch (InvocationTargetException e) {
        Throwable t = e.getCause();
        // exactly IllegalArgumentException: its subclasses (a number or path that does not parse) are about a value
        if (t == null || t.getClass() != IllegalArgumentException.class) return;
        if (message == null) message = String.valueOf(t.getMessage());
      } catch (ReflectiveOperationException | RuntimeException e) {
        return;
      }
    }
    if (message != null) problems.add(m.location(), Code.E123, path, message, null);
  }

  private static boolean isWholeExpression(Node n) {
    if (!(n instanceof ScalarNode s) || !s.hasExpression()) return false;
    try {
      return dev.kiln.engine.expr.Template.parse(s.text()).isSingleExpression();
    } catch (dev.kiln.engine.expr.ExprSyntaxError e) {
      return true; // reported elsewhere; treat its value as wholly unknown
    }
  }

  /**
   * A stand-in for a value that is given but not known yet, shaped like what the YAML shows (a
   * literal list keeps its length, a mapping its keys), so that checks of presence see the truth.
   */
  private static Object placeholder(Node n, Type target) {
    Class<?> raw = target instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) target;
    if (List.class.isAssignableFrom(raw)) {
      Type elem = ((ParameterizedType) target).getActualTypeArguments()[0];
      List<Object> out = new ArrayList<>();
      if (n instanceof ListNode l) {
        for (Node item : l.items()) out.add(placeholder(item, elem));
      } else {
        out.add(placeholder(null, elem));
      }
      return java.util.Collections.unmodifiableList(out);
    }
    if (Map.class.isAssignableFrom(raw)) {
      Type val = ((ParameterizedType) target).getActualTypeArguments()[1];
      Map<String, Object> out = new LinkedHashMap<>();
      if (n instanceof MapNode mm) {
        mm.entries().forEach((k, e) -> out.put(k, placeholder(e.value(), val)));
      } else {
        out.put("deferred", placeholder(null, val));
      }
      return java.util.Collections.unmodifiableMap(out);
    }
    if (raw == String.class || raw == Object.class) return "deferred";
    if (raw == Path.class) return Path.of("deferred");
    if (raw == Artifact.class) return new Artifact("0".repeat(64), 0, "application/octet-stream", "(not imported yet)");
    if (raw == int.class || raw == Integer.class) return 0;
    if (raw == long.class || raw == Long.class) return 0L;
    if (raw == double.class || raw == Double.class) return 0.0;
    if (raw == float.class || raw == Float.class) return 0f;
    if (raw == boolean.class || raw == Boolean.class) return false;
    if (raw == Duration.class) return Duration.ofSeconds(1);
    if (raw.isEnum()) return raw.getEnumConstants()[0];
    return null; // a nested record: unknown as a whole
  }

  /** Calls the record's canonical constructor; the record's own checks throw through {@link InvocationTargetException}. */
  private static Object construct(Class<?> type, ParamsSchema schema, Object[] args) throws ReflectiveOperationException {
    Class<?>[] types = new Class<?>[schema.fields().size()];
    for (int j = 0; j < types.length; j++) types[j] = schema.fields().get(j).component().getType();
    Constructor<?> c = type.getDeclaredConstructor(types);
    c.setAccessible(true);
    return c.newInstance(args);
  }

  private void addLocated(MapNode m, InvalidParamException ipe, String path) {
    problems.add(locate(m, ipe), Code.E123, path + "." + ipe.param(), String.valueOf(ipe.getMessage()), ipe.hint());
  }

  /** The location of the value (or key) an {@link InvalidParamException} names, as deep as the YAML goes. */
  private static Location locate(MapNode m, InvalidParamException e) {
    Location at = m.location();
    Node n = m;
    String[] parts = e.param().split("\\.");
    for (int i = 0; i < parts.length; i++) {
      if (!(n instanceof MapNode mm) || !mm.entries().containsKey(parts[i])) break;
      MapNode.Entry entry = mm.entries().get(parts[i]);
      boolean last = i == parts.length - 1;
      at = last && e.atKey() ? entry.keyLocation() : entry.value().location();
      n = entry.value();
    }
    return at;
  }

  private static Object zero(Class<?> raw) {
    if (raw == int.class) return 0;
    if (raw == long.class) return 0L;
    if (raw == double.class) return 0.0;
    if (raw == float.class) return 0f;
    if (raw == boolean.class) return false;
    return null;
  }

  private Object convert(Node n, Type target, Param ann, String path) {
    if (n instanceof ScalarNode s && s.hasExpression()) {
      if (deferred != null) deferred.check(s, target, ParamsSchema.typeName(target), path, problems);
      return DEFERRED;
    }
    Class<?> raw = target instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) target;
    Location at = n.location();
    if (List.class.isAssignableFrom(raw)) {
      Type elem = ((ParameterizedType) target).getActualTypeArguments()[0];
      List<Node> items = items(n);
      if (items == null) return fail(n, target, path);
      if (!sizeOk(items.size(), ann, at, path)) return INVALID;
      List<Object> out = new ArrayList<>();
      boolean ok = true;
      for (int i = 0; i < items.size(); i++) {
        Object v = convert(items.get(i), elem, null, path + "[" + i + "]");
        if (v == INVALID) ok = false;
        out.add(v);
      }
      return ok ? (out.contains(DEFERRED) ? DEFERRED : List.copyOf(out)) : INVALID;
    }
    if (Map.class.isAssignableFrom(raw)) {
      Type val = ((ParameterizedType) target).getActualTypeArguments()[1];
      Map<String, Node> entries = entries(n);
      if (entries == null) return fail(n, target, path);
      Map<String, Object> out = new LinkedHashMap<>();
      boolean ok = true;
      boolean def = false;
      for (Map.Entry<String, Node> e : entries.entrySet()) {
        Object v = convert(e.getValue(), val, null, path + "." + e.getKey());
        if (v == INVALID) ok = false;
        if (v == DEFERRED) def = true;
        out.put(e.getKey(), v);
      }
      return ok ? (def ? DEFERRED : java.util.Collections.unmodifiableMap(out)) : INVALID;
    }
    if (raw.isRecord() && raw != Artifact.class) {
      if (n instanceof MapNode mm) return record(raw, mm, path);
      Map<String, Node> entries = entries(n);
      if (entries == null) return fail(n, target, path);
      Map<String, MapNode.Entry> es = new LinkedHashMap<>();
      entries.forEach((k, v) -> es.put(k, new MapNode.Entry(k, at, v)));
      return record(raw, new MapNode(es, at), path);
    }
    if (raw == Object.class) return n instanceof ValueNode v ? v.value() : Values.plain(n);
    if (!(n instanceof ScalarNode) && !(n instanceof ValueNode)) return fail(n, target, path);
    Object value = n instanceof ScalarNode s ? s.value() : ((ValueNode) n).value();
    if (value instanceof List || value instanceof Map) return fail(n, target, path);
    if (raw == String.class) {
      if (value instanceof Artifact a) return runtime == null ? DEFERRED : runtime.pathOf(a).toString();
      if (value == null) return fail(n, target, path);
      String s = value instanceof Double d && d == Math.rint(d) && n instanceof ScalarNode sn ? sn.text() : String.valueOf(value);
      return sizeOk(s.length(), ann, at, path) ? s : INVALID;
    }
    if (raw == Path.class) {
      if (value instanceof Artifact a) return runtime == null ? DEFERRED : runtime.pathOf(a);
      if (value instanceof String s) return Path.of(s);
      return fail(n, target, path);
    }
    if (raw == Artifact.class) {
      if (value instanceof Artifact a) return a;
      if (value instanceof String s) {
        if (mode == Mode.CHECK || runtime == null) return DEFERRED;
        Artifact a = runtime.importFile(s, at);
        return a == null ? INVALID : a;
      }
      return fail(n, target, path);
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      if (!(value instanceof Long || value instanceof Integer)) return fail(n, target, path);
      long l = ((Number) value).longValue();
      if (!rangeOk(l, ann, at, path)) return INVALID;
      if (raw == int.class || raw == Integer.class) {
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
          problems.add(at, Code.E123, path, "must fit in 32 bits, found " + l, null);
          return INVALID;
        }
        return (int) l;
      }
      return l;
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      if (!(value instanceof Number num) || value instanceof java.math.BigDecimal) return fail(n, target, path);
      double d = num.doubleValue();
      if (!rangeOk(d, ann, at, path)) return INVALID;
      return raw == float.class || raw == Float.class ? (Object) (float) d : (Object) d;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return value instanceof Boolean ? value : fail(n, target, path);
    }
    if (raw == Duration.class) {
      if (value instanceof Long l && l > 0) return Duration.ofSeconds(l);
      if (value instanceof String s) {
        Optional<Duration> d = Durations.parse(s);
        if (d.isPresent()) return d.get();
      }
      problems.add(at, Code.E122, path, "expected a duration, found " + found(n), "write e.g. 30s, 5m or 1h30m");
      return INVALID;
    }
    if (raw.isEnum()) {
      if (value instanceof String s) {
        for (Object c : raw.getEnumConstants()) {
          if (ParamsSchema.enumName((Enum<?>) c).equals(s.toLowerCase(java.util.Locale.ROOT).replace('_', '-'))) return c;
        }
        List<String> names = new ArrayList<>();
        for (Object c : raw.getEnumConstants()) names.add(ParamsSchema.enumName((Enum<?>) c));
        problems.add(at, Code.E122, path, "expected " + ParamsSchema.typeName(raw) + "; found \"" + s + "\"", Suggest.hint(s, names, "valid values"));
        return INVALID;
      }
      return fail(n, target, path);
    }
    throw new IllegalStateException("params type " + raw.getName() + " at " + path + " is not supported");
  }

  private static List<Node> items(Node n) {
    if (n instanceof ListNode l) return l.items();
    if (n instanceof ValueNode v && v.value() instanceof List<?> list) {
      List<Node> out = new ArrayList<>();
      for (Object o : list) out.add(new ValueNode(o, null, v.location()));
      return out;
    }
    return null;
  }

  private static Map<String, Node> entries(Node n) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (n instanceof MapNode m) {
      m.entries().forEach((k, e) -> out.put(k, e.value()));
      return out;
    }
    if (n instanceof ValueNode v && v.value() instanceof Map<?, ?> map) {
      map.forEach((k, o) -> out.put(String.valueOf(k), new ValueNode(o, null, v.location())));
      return out;
    }
    return null;
  }

  private Object fail(Node n, Type target, String path) {
    problems.add(n.location(), Code.E122, path, "expected " + ParamsSchema.typeName(target) + ", found " + found(n), null);
    return INVALID;
  }

  private static String found(Node n) {
    if (n instanceof ValueNode v) {
      Object o = v.value();
      String shown = v.hasShownForm() ? v.redacted() : String.valueOf(o);
      return v.kindName() + (o instanceof String ? " \"" + shown + "\"" : o instanceof Number || o instanceof Boolean ? " " + shown : "");
    }
    return SpecLoader.describe(n);
  }

  private boolean rangeOk(double v, Param ann, Location at, String path) {
    if (ann == null) return true;
    if (v < ann.min() || v > ann.max()) {
      problems.add(at, Code.E123, path, "must be between " + bound(ann.min()) + " and " + bound(ann.max()) + ", found " + (v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v)), null);
      return false;
    }
    return true;
  }

  private boolean sizeOk(int size, Param ann, Location at, String path) {
    if (ann == null) return true;
    if (size < ann.min() || size > ann.max()) {
      problems.add(at, Code.E123, path, "length must be between " + bound(ann.min()) + " and " + bound(ann.max()) + ", found " + size, null);
      return false;
    }
    return true;
  }

  private static String bound(double d) {
    if (Double.isInfinite(d)) return d > 0 ? "+inf" : "-inf";
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
