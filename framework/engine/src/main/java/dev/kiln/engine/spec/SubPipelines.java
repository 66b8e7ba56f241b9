package dev.kiln.engine.spec;

import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.expr.Expr;
import dev.kiln.engine.expr.ExprSyntaxError;
import dev.kiln.engine.expr.Template;
import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import dev.kiln.engine.yaml.ValueNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sub-pipelines: a step {@code uses: ./lib/prepare.yaml} includes another pipeline file. {@link
 * #load} reads the included files (recursively, refusing cycles and paths that leave the directory
 * of the pipeline being run); once everything validated, {@link #expand} replaces each such step by
 * the included steps, so planning and running see an ordinary flat graph: step {@code split} of the
 * step {@code prepare} becomes {@code prepare/split}, its {@code ${{ params.x }}} becomes the value
 * the including step gives in {@code with:}, and {@code ${{ steps.prepare.outputs.y }}} becomes the
 * included file's {@code outputs.y}.
 */
public final class SubPipelines {
  private final SpecLoader loader;

  public SubPipelines(SpecLoader loader) {
    this.loader = loader;
  }

  /** Whether {@code uses:} names a pipeline file rather than a step type. */
  public static boolean isPath(String uses) {
    return uses.startsWith("./") || uses.startsWith("../") || uses.startsWith("/") || uses.endsWith(".yaml") || uses.endsWith(".yml");
  }

  /**
   * Reads the files that {@code spec}'s sub-pipeline steps include, and theirs. Paths are relative
   * to the including file; none may leave the directory of {@code file}, the pipeline being run.
   * Problems in an included file are reported at their own place, with where it was included.
   */
  public PipelineSpec load(PipelineSpec spec, Path file, Problems problems) {
    Path abs = file.toAbsolutePath().normalize();
    Path shownDir = Path.of(spec.file()).getParent();
    Root root = new Root(abs.getParent(), shownDir, new HashMap<>(), new HashMap<>());
    return load(spec, abs, root, List.of(abs), List.of(spec.file()), problems);
  }

  /** @param loaded each file once, with its own includes loaded: a file included from many places is read and checked once */
  private record Root(Path dir, Path shownDir, Map<Path, Optional<PipelineSpec>> read, Map<Path, Optional<PipelineSpec>> loaded) {
    String shown(Path p) {
      Path rel = dir.relativize(p);
      return (shownDir == null ? rel : shownDir.resolve(rel)).toString().replace('\\', '/');
    }

    String shownRoot() {
      return shownDir == null ? "." : shownDir.toString().replace('\\', '/');
    }
  }

  private PipelineSpec load(PipelineSpec spec, Path file, Root root, List<Path> chain, List<String> chainShown, Problems problems) {
    Map<String, PipelineSpec> loaded = new LinkedHashMap<>();
    for (StepSpec s : spec.steps().values()) {
      if (!isPath(s.uses())) continue;
      String uses = s.uses();
      String path = "steps." + s.id() + ".uses";
      if (!uses.startsWith("./") && !uses.startsWith("../")) {
        problems.add(s.usesLocation(), Code.E160, path, "a sub-pipeline path starts with ./ or ../ (relative to the including file), found \"" + uses + "\"",
            "write e.g. uses: ./lib/prepare.yaml; step types look like tribuo/train");
        continue;
      }
      if (!uses.endsWith(".yaml") && !uses.endsWith(".yml")) {
        problems.add(s.usesLocation(), Code.E160, path, "a sub-pipeline is a .yaml or .yml file, found \"" + uses + "\"", null);
        continue;
      }
      Path target = file.getParent().resolve(uses).normalize();
      if (!target.startsWith(root.dir())) {
        problems.add(s.usesLocation(), Code.E160, path, "sub-pipeline \"" + uses + "\" is outside " + root.shownRoot() + ", the directory of the pipeline being run",
            "keep included pipelines below that directory, e.g. in " + root.shownRoot() + "/lib/");
        continue;
      }
      String shown = root.shown(target);
      if (!Files.exists(target)) { // a directory or FIFO is refused by the reader, as for any pipeline file
        problems.add(s.usesLocation(), Code.E160, path, "sub-pipeline file " + shown + " does not exist", "paths are relative to the directory of " + spec.file());
        continue;
      }
      int seen = chain.indexOf(target);
      if (seen >= 0) {
        List<String> cycle = new ArrayList<>(chainShown.subList(seen, chainShown.size()));
        cycle.add(shown);
        problems.add(s.usesLocation(), Code.E161, path, "sub-pipelines must not include each other in a cycle, found " + String.join(" -> ", cycle), "remove one of these uses:");
        continue;
      }
      Optional<PipelineSpec> done = root.loaded().get(target);
      if (done != null) { // its problems were reported where it was first included
        done.ifPresent(i -> loaded.put(s.id(), i));
        continue;
      }
      Problems own = new Problems();
      Optional<PipelineSpec> inner = root.read().computeIfAbsent(target, t -> loader.load(t, shown, own));
      List<Path> deeper = new ArrayList<>(chain);
      deeper.add(target);
      List<String> deeperShown = new ArrayList<>(chainShown);
      deeperShown.add(shown);
      inner = inner.map(i -> load(i, target, root, deeper, deeperShown, own));
      root.loaded().put(target, inner);
      noteIncluded(own, s.usesLocation(), problems);
      inner.ifPresent(i -> loaded.put(s.id(), i));
    }
    return spec.withIncludes(loaded);
  }

  /** Adds {@code from}'s problems to {@code to}, each saying where its file was included. */
  public static void noteIncluded(Problems from, Location includedAt, Problems to) {
    for (Problem q : from.sorted()) to.add(q.location(), q.code(), q.path(), noted(q.message(), includedAt), q.hint());
  }

  private static String noted(String message, Location includedAt) {
    String mark = " (included from ";
    if (message.endsWith(")") && message.contains(mark)) return message.substring(0, message.length() - 1) + ", " + includedAt + ")";
    return message + mark + includedAt + ")";
  }

  /**
   * Replaces every sub-pipeline step by the steps it includes (ids prefixed with its own id and
   * '/'), rewriting references; the result includes nothing. Call it on a validated pipeline.
   */
  public PipelineSpec expand(PipelineSpec spec, Problems problems) {
    if (spec.includes().isEmpty()) return spec;
    long steps = count(spec, new java.util.IdentityHashMap<>());
    if (steps > MAX_STEPS) {
      problems.add(spec.location(), Code.E163, "steps", "sub-pipelines may expand a pipeline to at most " + MAX_STEPS + " steps, found " + (steps >= Long.MAX_VALUE / 2 ? "far more" : String.valueOf(steps)),
          "include fewer sub-pipelines, or fewer times each");
      return spec;
    }
    Map<String, StepSpec> out = new LinkedHashMap<>();
    new Scope(spec, "", null, null, problems).emit(out, List.of(), Map.of());
    return spec.withSteps(out);
  }

  /** Guards against files that include each other many times over (each file several times: a step count that grows with the power of the depth). */
  public static final int MAX_STEPS = 10_000;

  private static long count(PipelineSpec spec, Map<PipelineSpec, Long> known) {
    Long k = known.get(spec);
    if (k != null) return k;
    long n = 0;
    for (StepSpec s : spec.steps().values()) {
      PipelineSpec inner = spec.includes().get(s.id());
      n = Math.min(Long.MAX_VALUE / 2, n + (inner == null ? 1 : count(inner, known)));
    }
    known.put(spec, n);
    return n;
  }

  /** One included pipeline: its step ids' prefix, its params' values (in the outermost pipeline's terms), where it came from. */
  private static final class Scope {
    private final PipelineSpec spec;
    private final String prefix;
    private final Map<String, Node> params; // null for the outermost pipeline: its params stay references
    private final StepSpec.Origin origin;
    private final Problems problems;
    private final Map<String, Scope> children = new HashMap<>();

    Scope(PipelineSpec spec, String prefix, Map<String, Node> params, StepSpec.Origin origin, Problems problems) {
      this.spec = spec;
      this.prefix = prefix;
      this.params = params;
      this.origin = origin;
      this.problems = problems;
    }

    /** The scope of the sub-pipeline step {@code id}; its with: values are rewritten in this scope. */
    Scope child(String id) {
      Scope done = children.get(id);
      if (done != null) return done;
      StepSpec step = spec.steps().get(id);
      PipelineSpec inner = spec.includes().get(id);
      Map<String, Node> bound = new LinkedHashMap<>();
      for (ParamSpec p : inner.params().values()) {
        Node given = step.with() == null ? null : step.with().get(p.name());
        bound.put(p.name(), given != null ? rewrite(given) : literal(p.defaultValue(), p.location()));
      }
      List<Location> from = new ArrayList<>();
      from.add(step.usesLocation());
      if (origin != null) from.addAll(origin.includedFrom());
      Scope c = new Scope(inner, prefix + id + "/", bound, new StepSpec.Origin(inner.file(), from), problems);
      children.put(id, c);
      return c;
    }

    void emit(Map<String, StepSpec> out, List<StepSpec.Need> extraNeeds, Map<String, Node> extraEnv) {
      Map<String, Node> baseEnv = new LinkedHashMap<>();
      if (params != null) spec.env().forEach((k, v) -> baseEnv.put(k, rewrite(v)));
      baseEnv.putAll(extraEnv);
      for (StepSpec s : spec.steps().values()) {
        List<StepSpec.Need> needs = new ArrayList<>(extraNeeds);
        for (StepSpec.Need n : s.needs()) needs.addAll(needs(n));
        if (spec.includes().containsKey(s.id())) {
          Map<String, Node> env = new LinkedHashMap<>(baseEnv);
          s.env().forEach((k, v) -> env.put(k, rewrite(v)));
          child(s.id()).emit(out, needs, env);
          continue;
        }
        Map<String, Node> env = new LinkedHashMap<>(baseEnv);
        s.env().forEach((k, v) -> env.put(k, rewrite(v)));
        Map<String, List<Node>> matrix = new LinkedHashMap<>();
        s.matrix().forEach((axis, values) -> matrix.put(axis, values.stream().map(v -> planned(rewrite(v), v, "steps." + s.id() + ".matrix." + axis)).toList()));
        String id = prefix + s.id();
        out.put(id, new StepSpec(id, s.location(), s.uses(), s.usesLocation(), s.with() == null ? null : (MapNode) rewrite(s.with()), List.copyOf(needs),
            condition(s), s.retry(), s.timeout(), s.cache(), matrix, s.matrixLocation(), env, forEach(s), s.maxParallel(), origin));
      }
    }

    /** A matrix value is fixed when the run is planned: a param it uses may only have been given params. */
    private Node planned(Node value, Node written, String path) {
      for (Nodes.Found f : Nodes.expressions(value, path)) {
        try {
          for (Expr.Ref r : Template.parse(f.scalar().text()).refs()) {
            if (r.context().equals("params")) continue;
            problems.add(written.location(), Code.E135, path, noted("matrix values are fixed when the run is planned, so the params they use may only be given literals or params, found " + r,
                origin == null ? List.of() : origin.includedFrom()), "give the param a literal or ${{ params.<name> }} in with:");
            return value;
          }
        } catch (ExprSyntaxError e) {
          // reported where it was written
        }
      }
      return value;
    }

    /** A for-each list of an included step, its references rewritten like every other expression. */
    private ScalarNode forEach(StepSpec s) {
      if (s.forEach() == null) return null;
      Node f = rewrite(s.forEach());
      if (f instanceof ScalarNode sc && sc.hasExpression()) return sc;
      problems.add(s.forEach().location(), Code.E162, "steps." + s.id() + ".for-each", noted("for-each needs a reference to a list, found " + SpecLoader.describe(f) + " given for its param", origin == null ? List.of() : origin.includedFrom()),
          "pass a single ${{ }} expression");
      return s.forEach();
    }

    private ScalarNode condition(StepSpec s) {
      if (s.condition() == null) return null;
      Node c = rewrite(s.condition());
      if (c instanceof ScalarNode sc) return sc;
      problems.add(s.condition().location(), Code.E162, "steps." + s.id() + ".if", noted("if: needs a boolean, found " + SpecLoader.describe(c) + " given for its param", origin == null ? List.of() : origin.includedFrom()),
          "pass true or false, or a single ${{ }} expression");
      return s.condition();
    }

    /** A {@code needs:} entry in flat ids: a sub-pipeline step stands for all of its steps. */
    private List<StepSpec.Need> needs(StepSpec.Need n) {
      if (!spec.includes().containsKey(n.step())) return List.of(new StepSpec.Need(prefix + n.step(), n.location()));
      List<StepSpec.Need> all = new ArrayList<>();
      child(n.step()).ids(all, n.location());
      return all;
    }

    private void ids(List<StepSpec.Need> out, Location at) {
      for (StepSpec s : spec.steps().values()) {
        if (spec.includes().containsKey(s.id())) child(s.id()).ids(out, at);
        else out.add(new StepSpec.Need(prefix + s.id(), at));
      }
    }

    Node rewrite(Node n) {
      if (n instanceof ScalarNode s && s.hasExpression()) return rewriteScalar(s);
      if (n instanceof MapNode m) {
        Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
        m.entries().forEach((k, e) -> entries.put(k, new MapNode.Entry(k, e.keyLocation(), rewrite(e.value()))));
        return new MapNode(entries, m.location());
      }
      if (n instanceof ListNode l) return new ListNode(l.items().stream().map(this::rewrite).toList(), l.location());
      return n;
    }

    private Node rewriteScalar(ScalarNode s) {
      Template t;
      try {
        t = Template.parse(s.text());
      } catch (ExprSyntaxError e) {
        return s; // the validator reported it
      }
      if (t.isSingleExpression() && t.expressions().get(0).expr() instanceof Expr.Ref r) {
        Node whole = whole(r);
        if (whole != null) return whole;
      }
      // right to left, so that earlier offsets stay valid
      List<Template.Part> parts = new ArrayList<>(t.expressions());
      parts.sort(Comparator.comparingInt(Template.Part::offset).reversed());
      StringBuilder text = new StringBuilder(s.text());
      for (Template.Part part : parts) {
        // "text ${{ params.x }}" with a string for x: the string itself takes the place of ${{ params.x }}
        String spliced = part.expr() instanceof Expr.Ref r && whole(r) instanceof ScalarNode v && v.kind() == ScalarNode.Kind.STRING ? v.text() : null;
        if (spliced != null) {
          text.replace(part.offset(), part.offset() + part.source().length(), spliced);
          continue;
        }
        List<Expr.Ref> refs = new ArrayList<>();
        part.expr().collectRefs(refs);
        refs.sort(Comparator.comparingInt(Expr.Ref::offset).reversed());
        for (Expr.Ref r : refs) {
          String replacement = inline(r, s);
          if (replacement != null) text.replace(r.offset(), r.offset() + String.join(".", r.path()).length(), replacement);
        }
      }
      return new ScalarNode(text.toString(), ScalarNode.Kind.STRING, s.location());
    }

    /** What a reference that is a whole value stands for, or null when it stays a reference. */
    private Node whole(Expr.Ref r) {
      List<String> p = r.path();
      if (p.get(0).equals("params") && params != null && p.size() == 2) return params.get(p.get(1));
      if (p.get(0).equals("steps") && p.size() == 4 && p.get(2).equals("outputs") && spec.includes().containsKey(p.get(1))) return output(p.get(1), p.get(3));
      return null;
    }

    private Node output(String include, String name) {
      Scope c = child(include);
      Node declared = c.spec.outputs().get(name);
      return declared == null ? null : c.rewrite(declared);
    }

    /** The text that replaces a reference inside a larger expression, or null to keep it. */
    private String inline(Expr.Ref r, ScalarNode in) {
      List<String> p = r.path();
      if (p.get(0).equals("params") && params != null && p.size() == 2) {
        Node v = params.get(p.get(1));
        return v == null ? null : asExpression(v, in, "params." + p.get(1));
      }
      if (!p.get(0).equals("steps") || p.size() < 2) return null;
      String target = p.get(1);
      if (spec.includes().containsKey(target)) {
        Node v = p.size() == 4 && p.get(2).equals("outputs") ? output(target, p.get(3)) : null;
        return v == null ? null : asExpression(v, in, String.join(".", p));
      }
      if (prefix.isEmpty() || !spec.steps().containsKey(target)) return null;
      List<String> renamed = new ArrayList<>(p);
      renamed.set(1, prefix + target);
      return String.join(".", renamed);
    }

    /** {@code v} as an expression operand: a literal, or a single expression in parentheses. */
    private String asExpression(Node v, ScalarNode in, String what) {
      Object literal = v instanceof ValueNode vn ? vn.value() : v instanceof ScalarNode s && !s.hasExpression() ? s.value() : null;
      boolean isLiteral = v instanceof ValueNode || (v instanceof ScalarNode s && !s.hasExpression());
      if (isLiteral && (literal == null || literal instanceof String || literal instanceof Boolean || literal instanceof Long
          || (literal instanceof Double d && !d.isNaN() && !d.isInfinite()))) {
        String text = literal instanceof String str ? "'" + str.replace("'", "''") + "'" : String.valueOf(literal);
        if (!text.contains("}}")) return text;
      }
      if (v instanceof ScalarNode s && s.hasExpression()) {
        try {
          Template t = Template.parse(s.text());
          if (t.isSingleExpression()) {
            String src = t.expressions().get(0).source();
            return "(" + src.substring(3, src.length() - 2).strip() + ")";
          }
        } catch (ExprSyntaxError e) {
          // reported where it was written
        }
      }
      problems.add(in.location(), Code.E162, "",
          noted(what + " is used inside a larger expression, so its value must be a literal or a single ${{ }} expression, found " + SpecLoader.describe(v), origin == null ? List.of() : origin.includedFrom()),
          "use ${{ " + what + " }} alone as the value, or give a single expression");
      return null;
    }

    private static String noted(String message, List<Location> includedFrom) {
      String out = message;
      for (Location l : includedFrom) out = SubPipelines.noted(out, l);
      return out;
    }
  }

  /** A param's default as a node that stands where the param was declared. */
  private static Node literal(Object v, Location at) {
    if (v == null) return new ScalarNode("null", ScalarNode.Kind.NULL, at);
    if (v instanceof String s) return new ScalarNode(s, ScalarNode.Kind.STRING, at);
    if (v instanceof Long || v instanceof Integer) return new ScalarNode(String.valueOf(v), ScalarNode.Kind.INT, at);
    if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) return new ScalarNode(String.valueOf(d), ScalarNode.Kind.FLOAT, at);
    if (v instanceof Boolean b) return new ScalarNode(String.valueOf(b), ScalarNode.Kind.BOOL, at);
    if (v instanceof List<?> l) return new ListNode(l.stream().map(x -> literal(x, at)).toList(), at);
    if (v instanceof Map<?, ?> m) {
      Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
      m.forEach((k, x) -> entries.put(String.valueOf(k), new MapNode.Entry(String.valueOf(k), at, literal(x, at))));
      return new MapNode(entries, at);
    }
    return new ValueNode(v, null, at);
  }
}
