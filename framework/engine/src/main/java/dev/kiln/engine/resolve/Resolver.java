package dev.kiln.engine.resolve;

import dev.kiln.engine.json.Json;

import dev.kiln.api.Artifact;
import dev.kiln.engine.expr.Evaluator;
import dev.kiln.engine.expr.Expr;
import dev.kiln.engine.expr.ExprSyntaxError;
import dev.kiln.engine.expr.Template;
import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import dev.kiln.engine.yaml.ValueNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Replaces expressions with values for one step instance. Secret values are tracked so that every
 * value holding one carries a masked form for logs, the store and cache keys.
 */
public final class Resolver {
  /** A value could not be resolved; the step fails with this message. */
  public static final class ResolveError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResolveError(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, Object> params;
  private final Map<String, Object> matrix;
  private final Map<String, Object> each;
  private final Map<String, Map<String, Object>> stepOutputs;
  private final Map<String, String> env;
  private final Function<Artifact, Path> artifactPath;
  private final SecretMask secrets;

  /**
   * @param stepOutputs step id -> output name -> value (a list over instances for matrix steps)
   * @param secrets collects the values of every secret resolved, for masking
   */
  public Resolver(Map<String, Object> params, Map<String, Object> matrix, Map<String, Map<String, Object>> stepOutputs, Map<String, String> env, Function<Artifact, Path> artifactPath, SecretMask secrets) {
    this(params, matrix, Map.of(), stepOutputs, env, artifactPath, secrets);
  }

  /**
   * @param each a {@code for-each:} instance's item: {@code index} -> its position, {@code value}
   *     -> the item; empty for other steps
   */
  public Resolver(Map<String, Object> params, Map<String, Object> matrix, Map<String, Object> each, Map<String, Map<String, Object>> stepOutputs, Map<String, String> env, Function<Artifact, Path> artifactPath, SecretMask secrets) {
    this.params = params;
    this.matrix = matrix;
    this.each = each;
    this.stepOutputs = stepOutputs;
    this.env = env;
    this.artifactPath = artifactPath;
    this.secrets = secrets;
  }

  public Node resolve(Node n) {
    if (n instanceof ScalarNode s && s.hasExpression()) return scalar(s);
    if (n instanceof ListNode l) {
      List<Node> items = new ArrayList<>();
      for (Node i : l.items()) items.add(resolve(i));
      return new ListNode(items, l.location());
    }
    if (n instanceof MapNode m) {
      Map<String, MapNode.Entry> es = new LinkedHashMap<>();
      m.entries().forEach((k, e) -> es.put(k, new MapNode.Entry(k, e.keyLocation(), resolve(e.value()))));
      return new MapNode(es, m.location());
    }
    return n;
  }

  public MapNode resolve(MapNode m) {
    return (MapNode) resolve((Node) m);
  }

  /**
   * Resolves a step's {@code with:}; the keys in {@code shellKeys} are shell scripts, whose
   * expressions reach the script as environment variables (see {@link ShellScript}).
   *
   * @param scriptEnv receives each such variable and its value; the script's shown form (cache
   *     key, explain) is its text with the values in place, secrets masked
   */
  public MapNode resolve(MapNode m, Set<String> shellKeys, Map<String, String> scriptEnv) {
    if (shellKeys.isEmpty()) return resolve(m);
    Map<String, MapNode.Entry> es = new LinkedHashMap<>();
    m.entries().forEach((k, e) -> {
      Node v = shellKeys.contains(k) && e.value() instanceof ScalarNode s && s.hasExpression() ? script(s, scriptEnv) : resolve(e.value());
      es.put(k, new MapNode.Entry(k, e.keyLocation(), v));
    });
    return new MapNode(es, m.location());
  }

  private ValueNode script(ScalarNode s, Map<String, String> scriptEnv) {
    Template t;
    try {
      t = Template.parse(s.text());
    } catch (ExprSyntaxError e) {
      throw new ResolveError(e.getMessage());
    }
    // shown (explain, errors) and hashed into the cache key as the text with the values in place, secrets masked
    StringBuilder shown = new StringBuilder();
    String text;
    try {
      text = ShellScript.build(t.parts(), part -> {
        if (part instanceof String literal) {
          shown.append(literal);
          return literal;
        }
        boolean[] secret = {false};
        String v = interpolate(Evaluator.eval(((Template.Part) part).expr(), r -> {
          if (r.context().equals("secrets")) secret[0] = true;
          return ref(r);
        }));
        shown.append(secret[0] ? "***" : v);
        return v;
      }, scriptEnv);
    } catch (ShellScript.Unsafe e) {
      throw new ResolveError("run: " + e.getMessage());
    }
    return new ValueNode(text, shown.toString(), s.location());
  }

  /** Evaluates an {@code if:} condition. */
  public boolean condition(ScalarNode s) {
    if (!s.hasExpression()) return Boolean.TRUE.equals(s.value());
    ValueNode v = scalar(s);
    return Evaluator.truthy(v.value());
  }

  private ValueNode scalar(ScalarNode s) {
    Template t;
    try {
      t = Template.parse(s.text());
    } catch (ExprSyntaxError e) {
      throw new ResolveError(e.getMessage());
    }
    boolean[] secret = {false};
    Function<Expr.Ref, Object> refs = r -> {
      if (r.context().equals("secrets")) secret[0] = true;
      return ref(r);
    };
    if (t.isSingleExpression()) {
      Object v = Evaluator.eval(t.expressions().get(0).expr(), refs);
      return new ValueNode(v, secret[0] ? "***" : null, s.location());
    }
    StringBuilder value = new StringBuilder();
    StringBuilder masked = new StringBuilder();
    for (Object part : t.parts()) {
      if (part instanceof Template.Part p) {
        boolean before = secret[0];
        secret[0] = false;
        String text = interpolate(Evaluator.eval(p.expr(), refs));
        value.append(text);
        masked.append(secret[0] ? "***" : text);
        secret[0] |= before;
      } else {
        value.append(part);
        masked.append(part);
      }
    }
    return new ValueNode(value.toString(), secret[0] ? masked.toString() : null, s.location());
  }

  private String interpolate(Object v) {
    if (v == null) return "";
    if (v instanceof Artifact a) return artifactPath.apply(a).toString();
    if (v instanceof List<?> || v instanceof Map<?, ?>) {
      Object plain = replaceArtifacts(v);
      return Json.write(plain);
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) return String.valueOf(d);
    return String.valueOf(v);
  }

  private Object replaceArtifacts(Object v) {
    if (v instanceof Artifact a) return artifactPath.apply(a).toString();
    if (v instanceof List<?> l) return l.stream().map(this::replaceArtifacts).toList();
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), replaceArtifacts(x)));
      return out;
    }
    return v;
  }

  private Object ref(Expr.Ref r) {
    List<String> p = r.path();
    switch (r.context()) {
      case "params":
        return params.get(p.get(1));
      case "matrix":
        return matrix.get(p.get(1));
      case "each": {
        if (each.isEmpty()) throw new ResolveError("each." + String.join(".", p.subList(1, p.size())) + " is only available in a step with for-each:");
        Object v = each.get(p.get(1));
        for (int i = 2; i < p.size(); i++) {
          if (!(v instanceof Map<?, ?> m)) throw new ResolveError(String.join(".", p.subList(0, i)) + " is not a mapping, so it has no field \"" + p.get(i) + "\"");
          if (!m.containsKey(p.get(i))) throw new ResolveError(String.join(".", p.subList(0, i)) + " has no field \"" + p.get(i) + "\"" + (m.isEmpty() ? "" : "; it has " + String.join(", ", m.keySet().stream().map(String::valueOf).toList())));
          v = m.get(p.get(i));
        }
        return v;
      }
      case "env": {
        String v = env.get(p.get(1));
        if (v == null) throw new ResolveError("environment variable " + p.get(1) + " is not set; export it before running");
        return v;
      }
      case "secrets": {
        String v = env.get(p.get(1));
        if (v == null) throw new ResolveError("secret " + p.get(1) + " is not set; export " + p.get(1) + " in the environment Kiln runs in");
        secrets.add(v);
        return v;
      }
      case "steps": {
        Map<String, Object> outs = stepOutputs.get(p.get(1));
        if (outs == null) throw new ResolveError("step " + p.get(1) + " has no outputs (it was skipped)");
        if (!outs.containsKey(p.get(3))) throw new ResolveError("step " + p.get(1) + " did not produce output \"" + p.get(3) + "\"");
        return outs.get(p.get(3));
      }
      default:
        throw new ResolveError("unknown context " + r.context());
    }
  }
}
