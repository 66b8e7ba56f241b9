package dev.kiln.tune;

import dev.kiln.api.InvalidParamException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A search space as written under {@code space:}: each key a parameter, each value one of
 *
 * <pre>
 * {float: [low, high]}              optionally log: true, step: 0.1
 * {int: [low, high]}                optionally log: true, step: 2
 * {choice: [a, b, c]}               categorical
 * {choice: {a: {subspace}, b: {}}}  categorical whose choices carry their own parameters
 * </pre>
 *
 * Every parameter has an {@link Dim#id() id} unique in the space: its name at the top, {@code
 * parent[choice].name} inside a conditional subspace, so {@code trees} under two algorithms are two
 * parameters with their own ranges and histories.
 */
record Space(List<Dim> dims) {
  Space {
    dims = List.copyOf(dims);
  }

  /** One parameter. */
  sealed interface Dim permits Num, Cat {
    String id();

    /** The name the trainer sees. */
    String name();

    /** The dotted path of its definition below {@code with:}, for error messages. */
    String path();
  }

  /**
   * A float or int range; {@code step} 0 means continuous (floats only). Ints always have a step
   * (default 1).
   */
  record Num(String id, String name, String path, boolean integer, double low, double high, boolean log, double step) implements Dim {
    /** The internal (sampling) bounds: logs for log ranges, widened by half a step for log ints. */
    double lo() {
      return log ? Math.log(step > 0 ? low - step / 2 : low) : low;
    }

    double hi() {
      return log ? Math.log(step > 0 ? high + step / 2 : high) : high;
    }

    /** The step in internal space, 0 for continuous (log ranges sample continuously and round). */
    double internalStep() {
      return log ? 0 : step;
    }

    double toInternal(Object v) {
      double d = ((Number) v).doubleValue();
      return log ? Math.log(d) : d;
    }

    Object toExternal(double x) {
      double v = log ? Math.exp(x) : x;
      if (step > 0) v = low + Math.round((v - low) / step) * step;
      v = Math.max(low, Math.min(high, v));
      if (integer) return Math.round(v);
      return v;
    }

    /** Position in [0, 1] (log-aware), for the Gaussian process. */
    double toUnit(Object v) {
      return hi() == lo() ? 0.5 : (toInternal(v) - lo()) / (hi() - lo());
    }

    Object fromUnit(double u) {
      return toExternal(lo() + Math.max(0, Math.min(1, u)) * (hi() - lo()));
    }

    /** Every value of a discrete range (for grid search); null for a continuous one. */
    List<Object> values() {
      if (step <= 0) return null;
      List<Object> out = new ArrayList<>();
      for (long i = 0; i < count(); i++) out.add(valueAt(i));
      return out;
    }

    /** How many values a discrete range has (low, low + step, ... up to high). */
    long count() {
      return Math.round(Math.floor((high - low) / step + 1e-9)) + 1;
    }

    /** The i-th value of a discrete range. */
    Object valueAt(long i) {
      return integer ? (Object) Math.round(low + i * step) : (Object) (low + i * step);
    }
  }

  /** A categorical parameter; a choice may carry a subspace that is active only when it is chosen. */
  record Cat(String id, String name, String path, List<Object> choices, Map<Object, Space> sub) implements Dim {
    int index(Object v) {
      for (int i = 0; i < choices.size(); i++) if (String.valueOf(choices.get(i)).equals(String.valueOf(v))) return i;
      return -1;
    }
  }

  /** Every parameter at every depth, parents before their subspaces. */
  List<Dim> all() {
    List<Dim> out = new ArrayList<>();
    for (Dim d : dims) {
      out.add(d);
      if (d instanceof Cat c) c.sub().values().forEach(s -> out.addAll(s.all()));
    }
    return out;
  }

  /** True when no parameter has a subspace. */
  boolean flat() {
    return dims.stream().noneMatch(d -> d instanceof Cat c && !c.sub().isEmpty());
  }

  /** The parameters active for {@code params} (ids -> values), in order. */
  List<Dim> active(Map<String, Object> params) {
    List<Dim> out = new ArrayList<>();
    for (Dim d : dims) {
      out.add(d);
      if (d instanceof Cat c && params.containsKey(c.id())) {
        Space s = c.sub().get(c.choices().get(Math.max(0, c.index(params.get(c.id())))));
        if (s != null) out.addAll(s.active(params));
      }
    }
    return out;
  }

  /**
   * Whether {@code params} (ids -> values) is a point of this space: exactly its active parameters,
   * each a number in its range (an integer for int:, on the grid for step:) or one of its choices.
   * What a trial of an earlier search must be to warm-start this one.
   */
  boolean fits(Map<String, Object> params) {
    List<Dim> act = active(params);
    if (act.size() != params.size()) return false;
    for (Dim d : act) {
      Object v = params.get(d.id());
      if (v == null) return false;
      if (d instanceof Cat c) {
        if (c.index(v) < 0) return false;
      } else {
        Num n = (Num) d;
        if (!(v instanceof Number num)) return false;
        double x = num.doubleValue();
        double tol = 1e-9 * Math.max(1, Math.max(Math.abs(n.low()), Math.abs(n.high())));
        if (!(x >= n.low() - tol && x <= n.high() + tol)) return false;
        if (n.integer() && x != Math.rint(x)) return false;
        if (n.step() > 0) {
          double k = (x - n.low()) / n.step();
          if (Math.abs(k - Math.rint(k)) > 1e-6) return false;
        }
      }
    }
    return true;
  }

  /** Trainer-facing names -> values of a trial's active parameters. */
  Map<String, Object> named(Map<String, Object> params) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Dim d : active(params)) if (params.containsKey(d.id())) out.put(d.name(), params.get(d.id()));
    return out;
  }

  // ------------------------------------------------------------------------------- parsing

  /**
   * Parses {@code space:}; a wrong definition is an {@link InvalidParamException} naming its path,
   * so kiln validate reports it at its line and column.
   */
  static Space parse(Map<String, Object> yaml, String path) {
    if (yaml == null || yaml.isEmpty()) throw new InvalidParamException(path, false, "the search space is empty", "add at least one parameter, e.g. eta: {float: [0.01, 0.3], log: true}");
    return parse(yaml, path, "");
  }

  private static Space parse(Map<String, Object> yaml, String path, String idPrefix) {
    List<Dim> dims = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (var e : yaml.entrySet()) {
      String name = String.valueOf(e.getKey());
      String p = path + "." + name;
      if (!names.add(name)) throw new InvalidParamException(p, true, "parameter \"" + name + "\" is defined twice", null);
      dims.add(dim(name, idPrefix + name, p, e.getValue()));
    }
    return new Space(dims);
  }

  private static final String FORMS = "write {float: [low, high]}, {int: [low, high]} (optionally log: true, step: s) or {choice: [a, b]}";

  @SuppressWarnings("unchecked")
  private static Dim dim(String name, String id, String path, Object def) {
    if (!(def instanceof Map<?, ?> m)) throw new InvalidParamException(path, false, "a parameter is a mapping such as {float: [0, 1]}, found " + describe(def), FORMS);
    Map<String, Object> d = (Map<String, Object>) m;
    boolean isFloat = d.containsKey("float");
    boolean isInt = d.containsKey("int");
    boolean isChoice = d.containsKey("choice");
    if ((isFloat ? 1 : 0) + (isInt ? 1 : 0) + (isChoice ? 1 : 0) != 1) {
      throw new InvalidParamException(path, false, "a parameter has exactly one of float:, int: or choice:, found keys " + d.keySet(), FORMS);
    }
    if (isChoice) {
      for (String k : d.keySet()) if (!k.equals("choice")) throw new InvalidParamException(path + "." + k, true, "unknown key \"" + k + "\" of a choice parameter", "a choice parameter has only choice:");
      return choice(name, id, path + ".choice", d.get("choice"));
    }
    String kind = isFloat ? "float" : "int";
    for (String k : d.keySet()) {
      if (!k.equals(kind) && !k.equals("log") && !k.equals("step")) throw new InvalidParamException(path + "." + k, true, "unknown key \"" + k + "\" of a " + kind + " parameter", "valid keys: " + kind + ", log, step");
    }
    Object range = d.get(kind);
    if (!(range instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Number) || !(l.get(1) instanceof Number)) {
      throw new InvalidParamException(path + "." + kind, false, kind + ": takes [low, high] (two numbers), found " + describe(range), null);
    }
    if (isInt && (!(l.get(0) instanceof Long || l.get(0) instanceof Integer) || !(l.get(1) instanceof Long || l.get(1) instanceof Integer))) {
      throw new InvalidParamException(path + "." + kind, false, "int: bounds must be integers, found " + l, "use float: for a real-valued parameter");
    }
    double low = ((Number) l.get(0)).doubleValue();
    double high = ((Number) l.get(1)).doubleValue();
    if (!(low < high)) throw new InvalidParamException(path + "." + kind, false, "low must be < high, found [" + fmt(l.get(0)) + ", " + fmt(l.get(1)) + "]", "swap the bounds, or fix the parameter in fixed: if it has one value");
    Object logV = d.get("log");
    if (logV != null && !(logV instanceof Boolean)) throw new InvalidParamException(path + ".log", false, "log: is true or false, found " + describe(logV), null);
    boolean log = Boolean.TRUE.equals(logV);
    if (log && low <= 0) throw new InvalidParamException(path + "." + kind, false, "a log range needs low > 0, found low " + fmt(l.get(0)), "use a positive lower bound such as 1e-5, or drop log: true");
    double step = isInt ? 1 : 0;
    Object stepV = d.get("step");
    if (stepV != null) {
      if (!(stepV instanceof Number sn) || sn.doubleValue() <= 0) throw new InvalidParamException(path + ".step", false, "step: must be a positive number, found " + describe(stepV), null);
      if (isInt && !(stepV instanceof Long || stepV instanceof Integer)) throw new InvalidParamException(path + ".step", false, "the step of an int parameter is an integer, found " + stepV, null);
      if (log && isFloat) throw new InvalidParamException(path + ".step", true, "a float parameter cannot have both log: and step:", "drop one of them (as in Optuna)");
      step = sn.doubleValue();
      if (step > high - low) throw new InvalidParamException(path + ".step", false, "step " + fmt(stepV) + " is larger than the range " + fmt(l.get(0)) + ".." + fmt(l.get(1)), null);
    }
    return new Num(id, name, path, isInt, low, high, log, step);
  }

  @SuppressWarnings("unchecked")
  private static Cat choice(String name, String id, String path, Object choices) {
    if (choices instanceof List<?> l) {
      if (l.isEmpty()) throw new InvalidParamException(path, false, "choice: needs at least one value", null);
      List<Object> vals = new ArrayList<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Object o : l) {
        if (o instanceof Map || o instanceof List || o == null) throw new InvalidParamException(path, false, "choices are scalars, found " + describe(o), "for choices with their own parameters write choice: {a: {...}, b: {...}}");
        if (!seen.add(String.valueOf(o))) throw new InvalidParamException(path, false, "choice \"" + o + "\" is listed twice", null);
        vals.add(o);
      }
      return new Cat(id, name, path, List.copyOf(vals), Map.of());
    }
    if (choices instanceof Map<?, ?> m) {
      if (m.isEmpty()) throw new InvalidParamException(path, false, "choice: needs at least one value", null);
      List<Object> vals = new ArrayList<>();
      Map<Object, Space> sub = new LinkedHashMap<>();
      for (var e : m.entrySet()) {
        Object v = e.getKey();
        vals.add(v);
        Object s = e.getValue();
        if (s == null || (s instanceof Map<?, ?> sm && sm.isEmpty())) continue;
        if (!(s instanceof Map<?, ?>)) throw new InvalidParamException(path + "." + v, false, "the parameters of choice \"" + v + "\" are a mapping, found " + describe(s), "write {} for a choice without parameters");
        sub.put(v, parse((Map<String, Object>) s, path + "." + v, id + "[" + v + "]."));
      }
      return new Cat(id, name, path, List.copyOf(vals), Collections.unmodifiableMap(sub));
    }
    throw new InvalidParamException(path, false, "choice: takes a list of values or a mapping choice -> its parameters, found " + describe(choices), null);
  }

  private static String describe(Object o) {
    if (o == null) return "nothing";
    if (o instanceof Map) return "a mapping";
    if (o instanceof List<?> l) return "a list of " + l.size();
    if (o instanceof String s) return "\"" + s + "\"";
    return String.valueOf(o);
  }

  static String fmt(Object n) {
    if (n instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf(d.longValue());
    return String.valueOf(n);
  }
}
