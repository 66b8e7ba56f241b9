package dev.kiln.engine.validate;

import dev.kiln.api.Output;
import dev.kiln.api.StepType;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.bind.ParamsBinder;
import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.diag.Suggest;
import dev.kiln.engine.expr.Expr;
import dev.kiln.engine.expr.ExprSyntaxError;
import dev.kiln.engine.expr.Template;
import dev.kiln.engine.plan.Planner;
import dev.kiln.engine.plan.StepGraph;
import dev.kiln.engine.spec.Nodes;
import dev.kiln.engine.spec.ParamSpec;
import dev.kiln.engine.spec.ParamType;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.engine.spec.SourceText;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.engine.spec.SubPipelines;
import dev.kiln.engine.spec.Values;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import dev.kiln.engine.yaml.ValueNode;
import jakarta.inject.Inject;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what a pipeline means, offline: step types exist, params fit their types, references
 * resolve, the graph has no cycle. Every problem is collected; nothing runs.
 */
public final class Validator {
  private final StepRegistry registry;

  @Inject
  public Validator(StepRegistry registry) {
    this.registry = registry;
  }

  public void validate(PipelineSpec spec, Problems problems) {
    validate(spec, problems, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
  }

  /** {@code checked}: the included pipelines already checked (a file included from many places is checked once). */
  private void validate(PipelineSpec spec, Problems problems, Set<PipelineSpec> checked) {
    SourceText source = new SourceText(spec.source());
    Set<String> usedParams = new HashSet<>();
    spec.env().forEach((k, v) -> checkExpressions(spec, null, Nodes.expressions(v, "env." + k), source, usedParams, problems));
    spec.outputs().forEach((k, v) -> checkExpressions(spec, null, Nodes.expressions(v, "outputs." + k), source, usedParams, problems));
    for (StepSpec step : spec.steps().values()) {
      boolean included = SubPipelines.isPath(step.uses());
      StepType<?> type = included ? null : registry.find(step.uses()).orElse(null);
      if (included) {
        checkSubPipeline(spec, step, problems, checked);
      } else if (type == null) {
        problems.add(step.usesLocation(), Code.E104, "steps." + step.id() + ".uses", "unknown step type \"" + step.uses() + "\"", Suggest.hint(step.uses(), registry.all().keySet(), "installed"));
      } else if (step.with() != null) {
        ParamsBinder.Deferred deferred = (s, target, name, path, p) -> checkDeferred(spec, step, s, target, name, path, source, p);
        new ParamsBinder(ParamsBinder.Mode.CHECK, null, deferred, problems).bind(type.paramsType(), step.with(), "steps." + step.id() + ".with");
        checkChildren(step, type, deferred, problems);
      }
      for (StepSpec.Need n : step.needs()) {
        if (n.step().equals(step.id())) {
          problems.add(n.location(), Code.E142, "steps." + step.id() + ".needs", "a step cannot need itself", "remove \"" + n.step() + "\" from needs");
        } else if (!spec.steps().containsKey(n.step())) {
          problems.add(n.location(), Code.E141, "steps." + step.id() + ".needs", "needs an unknown step \"" + n.step() + "\"", Suggest.hint(n.step(), spec.steps().keySet(), "steps"));
        }
      }
      for (String axis : step.matrix().keySet()) {
        if (spec.params().containsKey(axis)) {
          problems.add(step.matrixLocation(), Code.W202, "steps." + step.id() + ".matrix." + axis, "matrix axis \"" + axis + "\" has the name of a pipeline param; ${{ matrix." + axis + " }} and ${{ params." + axis + " }} differ", "rename the axis to avoid confusing the two");
        }
        for (var v : step.matrix().get(axis)) {
          if (!(v instanceof ScalarNode)) {
            problems.add(v.location(), Code.E152, "steps." + step.id() + ".matrix." + axis, "matrix values must be scalars, found a " + v.kindName(), null);
          }
        }
      }
      checkMatrixSize(step, problems);
      checkExpressions(spec, step, Nodes.expressions(step), source, usedParams, problems);
      if (step.forEach() != null) checkForEach(spec, step, source, problems);
    }
    StepGraph graph = new StepGraph(spec);
    graph.cycle().ifPresent(cycle -> {
      StepSpec first = spec.steps().get(cycle.get(0));
      problems.add(first.location(), Code.E140, "steps." + first.id(), "steps must not depend on each other in a cycle, found " + String.join(" -> ", cycle), "remove one of these references or needs");
    });
    for (ParamSpec p : spec.params().values()) {
      if (!usedParams.contains(p.name())) {
        problems.add(p.location(), Code.W201, "params." + p.name(), "param \"" + p.name() + "\" is declared but never used", "reference it as ${{ params." + p.name() + " }} or remove it");
      }
    }
  }

  /**
   * A step that includes a pipeline file: the file itself (reported where it is, with where it is
   * included), the with: values against its params, and the properties that have no meaning there.
   */
  private void checkSubPipeline(PipelineSpec spec, StepSpec step, Problems problems, Set<PipelineSpec> checked) {
    PipelineSpec inner = spec.includes().get(step.id());
    if (inner == null) return; // its path is wrong; already reported
    if (checked.add(inner)) {
      Problems own = new Problems();
      validate(inner, own, checked);
      SubPipelines.noteIncluded(own, step.usesLocation(), problems);
    }
    String path = "steps." + step.id();
    String hint = "set it on the steps inside " + inner.file();
    if (!step.matrix().isEmpty()) problems.add(step.matrixLocation(), Code.E101, path + ".matrix", "matrix: is not available on a sub-pipeline step (uses: " + step.uses() + ")", hint);
    if (step.forEach() != null) problems.add(step.forEach().location(), Code.E101, path + ".for-each", "for-each: is not available on a sub-pipeline step (uses: " + step.uses() + ")", hint);
    if (step.maxParallel() != null) problems.add(step.location(), Code.E101, path + ".max-parallel", "max-parallel: is not available on a sub-pipeline step (uses: " + step.uses() + ")", hint);
    if (step.condition() != null) problems.add(step.condition().location(), Code.E101, path + ".if", "if: is not available on a sub-pipeline step (uses: " + step.uses() + ")", hint);
    if (!step.retry().equals(dev.kiln.engine.spec.RetrySpec.NONE)) problems.add(step.location(), Code.E101, path + ".retry", "retry: is not available on a sub-pipeline step (uses: " + step.uses() + ")", hint);
    if (step.timeout() != null) problems.add(step.location(), Code.E101, path + ".timeout", "timeout: is not available on a sub-pipeline step (uses: " + step.uses() + ")", hint);
    if (!step.cache()) problems.add(step.location(), Code.E101, path + ".cache", "cache: is not available on a sub-pipeline step (uses: " + step.uses() + ")", hint);
    if (step.with() == null) return;
    for (MapNode.Entry e : step.with().entries().values()) {
      ParamSpec param = inner.params().get(e.key());
      if (param == null) {
        problems.add(e.keyLocation(), Code.E120, path + ".with." + e.key(), "sub-pipeline " + inner.file() + " has no param \"" + e.key() + "\"", Suggest.hint(e.key(), inner.params().keySet(), "its params"));
      } else if (Nodes.expressions(e.value(), "").isEmpty() && !(e.value() instanceof ScalarNode s && s.isNull()) && !param.type().accepts(Values.plain(e.value()))) {
        problems.add(e.value().location(), Code.E122, path + ".with." + e.key(), "expected " + param.type().yamlName() + " for param \"" + e.key() + "\" of " + inner.file() + ", found " + dev.kiln.engine.spec.SpecLoader.describe(e.value()), null);
      } else if (Nodes.expressions(e.value(), "").isEmpty()) {
        dev.kiln.engine.spec.ParamValues.check(param, Values.plain(e.value()), e.value().location(), path + ".with." + e.key(), problems);
      }
    }
    for (ParamSpec param : inner.params().values()) {
      if (param.required() && !step.with().has(param.name())) {
        problems.add(step.with().location(), Code.E121, path + ".with", "sub-pipeline " + inner.file() + " needs param \"" + param.name() + "\", found none", "add " + param.name() + ": <" + param.type().yamlName() + "> to with:");
      }
    }
  }

  /** The planner refuses the same; checking it here lets validate say no before any run starts. */
  private static void checkMatrixSize(StepSpec step, Problems problems) {
    if (!step.fansOut()) return;
    java.math.BigInteger instances = java.math.BigInteger.ONE;
    List<String> sizes = new java.util.ArrayList<>();
    for (List<Node> values : step.matrix().values()) {
      instances = instances.multiply(java.math.BigInteger.valueOf(values.size()));
      sizes.add(String.valueOf(values.size()));
    }
    if (instances.compareTo(java.math.BigInteger.valueOf(Planner.MAX_INSTANCES_PER_STEP)) > 0) {
      problems.add(step.matrixLocation(), Code.E152, "steps." + step.id() + ".matrix",
          "a matrix may expand to at most " + Planner.MAX_INSTANCES_PER_STEP + " instances, found " + instances + (sizes.size() > 1 ? " (" + String.join(" x ", sizes) + ")" : ""),
          "reduce the number of axes or values");
    }
  }

  private void checkExpressions(PipelineSpec spec, StepSpec step, List<Nodes.Found> found, SourceText source, Set<String> usedParams, Problems problems) {
    for (Nodes.Found f : found) {
      Template t;
      try {
        t = Template.parse(f.scalar().text());
      } catch (ExprSyntaxError e) {
        if (e.tooDeep()) {
          problems.add(source.at(f.scalar(), e.offset()), Code.E137, f.path(), e.getMessage(), "simplify the expression, or compute part of it in an earlier step and reference its output");
        } else {
          problems.add(source.at(f.scalar(), e.offset()), Code.E130, f.path(), e.getMessage(), "expressions look like ${{ params.name }} or ${{ steps.<id>.outputs.<name> }}");
        }
        continue;
      }
      boolean inIf = f.path().endsWith(".if");
      boolean inMatrix = f.path().contains(".matrix.");
      for (Expr.Ref r : t.refs()) {
        Location at = source.at(f.scalar(), r.offset());
        checkRef(spec, step, r, at, f.path(), inIf, inMatrix, usedParams, problems);
      }
    }
  }

  private void checkRef(PipelineSpec spec, StepSpec step, Expr.Ref r, Location at, String path, boolean inIf, boolean inMatrix, Set<String> usedParams, Problems problems) {
    List<String> p = r.path();
    switch (r.context()) {
      case "params" -> {
        if (p.size() != 2) {
          problems.add(at, Code.E131, path, "a param reference is params.<name>, found \"" + r + "\"", null);
        } else if (!spec.params().containsKey(p.get(1))) {
          problems.add(at, Code.E131, path, "unknown param \"" + p.get(1) + "\"", Suggest.hint(p.get(1), spec.params().keySet(), "declared params"));
        } else {
          usedParams.add(p.get(1));
        }
      }
      case "env" -> {
        if (p.size() != 2) {
          problems.add(at, Code.E134, path, "an environment reference is env.<NAME>, found \"" + r + "\"", null);
        } else if (inMatrix) {
          problems.add(at, Code.E135, path, "matrix values may only use params, found env." + p.get(1), "the matrix is expanded when the run is planned; pass the value as a param: -p name=$" + p.get(1));
        }
      }
      case "secrets" -> {
        if (p.size() != 2) {
          problems.add(at, Code.E134, path, "a secret reference is secrets.<NAME>, found \"" + r + "\"", null);
        } else if (inIf || inMatrix) {
          problems.add(at, Code.E136, path, "secrets cannot be used in " + (inIf ? "if:" : "matrix:") + ", found secrets." + p.get(1), "a secret may only flow into a step's with: or env:, where it is masked");
        }
      }
      case "each" -> checkEachRef(step, r, at, path, problems);
      case "matrix" -> {
        if (step == null || step.matrix().isEmpty()) {
          problems.add(at, Code.E135, path, "matrix." + (p.size() > 1 ? p.get(1) : "") + " is only available in a step with a matrix:, found it in " + (step == null ? (path.startsWith("outputs.") ? "the pipeline outputs" : "the pipeline env") : "step \"" + step.id() + "\" which has none"), "add matrix: to the step, or use params");
        } else if (inMatrix) {
          problems.add(at, Code.E135, path, "matrix values cannot reference the matrix itself", null);
        } else if (p.size() != 2 || !step.matrix().containsKey(p.get(1))) {
          String name = p.size() > 1 ? p.get(1) : "";
          problems.add(at, Code.E135, path, "unknown matrix axis \"" + name + "\"", Suggest.hint(name, step.matrix().keySet(), "axes"));
        }
      }
      case "steps" -> checkStepRef(spec, step, r, at, path, inMatrix, problems);
      default -> problems.add(at, Code.E134, path, "unknown context \"" + r.context() + "\" in ${{ " + r + " }}", "expressions start with params., steps., env., secrets. or matrix.");
    }
  }

  private static void checkEachRef(StepSpec step, Expr.Ref r, Location at, String path, Problems problems) {
    List<String> p = r.path();
    if (step == null || step.forEach() == null) {
      problems.add(at, Code.E154, path, r + " is only available in a step with for-each:, found it in " + (step == null ? "the pipeline env" : "step \"" + step.id() + "\" which has none"), "add for-each: ${{ steps.<id>.outputs.<list> }} to the step");
    } else if (path.endsWith(".for-each")) {
      problems.add(at, Code.E154, path, "for-each cannot reference each itself", null);
    } else if (p.size() < 2 || !(p.get(1).equals("value") || p.get(1).equals("index")) || (p.get(1).equals("index") && p.size() > 2)) {
      problems.add(at, Code.E154, path, "an item reference is each.value (or each.value.<field>) or each.index, found \"" + r + "\"", null);
    }
  }

  /** What can be known offline about a for-each list: one expression over a list. */
  private void checkForEach(PipelineSpec spec, StepSpec step, SourceText source, Problems problems) {
    ScalarNode fe = step.forEach();
    String path = "steps." + step.id() + ".for-each";
    Template t;
    try {
      t = Template.parse(fe.text());
    } catch (ExprSyntaxError e) {
      return; // reported with the step's other expressions
    }
    if (!t.isSingleExpression() || !(t.expressions().get(0).expr() instanceof Expr.Ref r)) {
      problems.add(fe.location(), Code.E154, path, "for-each must be one reference to a list, found \"" + fe.text() + "\"", "write e.g. for-each: ${{ steps.regions.outputs.items }}");
      return;
    }
    Location at = source.at(fe, r.offset());
    List<String> p = r.path();
    if (r.context().equals("params") || r.context().equals("steps") || r.context().equals("each")) {
      if (!r.context().equals("steps") || p.size() != 4) return; // params may hold lists; other problems are reported as references
      StepSpec other = spec.steps().get(p.get(1));
      if (other == null || other.fansOut()) return; // a fan-out's outputs are lists (fan-in)
      StepType<?> type = registry.find(other.uses()).orElse(null);
      if (type == null) return;
      for (dev.kiln.api.Output o : type.outputs()) {
        if (o.name().equals(p.get(3)) && o.kind() == dev.kiln.api.Output.Kind.ARTIFACT) {
          problems.add(at, Code.E154, path, "for-each needs a list, but steps." + p.get(1) + ".outputs." + p.get(3) + " is a file (" + other.uses() + ")", "publish the items as a value output, e.g. kiln/command's json-outputs: or kiln/values");
          return;
        }
      }
      if (other.with() != null && "kiln/command".equals(other.uses())
          && Values.plain(other.with()) instanceof Map<?, ?> w && w.get("outputs") instanceof Map<?, ?> files && files.containsKey(p.get(3))) {
        problems.add(at, Code.E154, path, "for-each needs a list, but steps." + p.get(1) + ".outputs." + p.get(3) + " is a file (kiln/command outputs:)", "publish the items as a value output: json-outputs: {" + p.get(3) + ": <file>}");
        return;
      }
      if (other.with() != null && "kiln/values".equals(other.uses())) {
        Object values = Values.plain(other.with()) instanceof Map<?, ?> w ? w.get("values") : null;
        if (values instanceof Map<?, ?> vm && vm.containsKey(p.get(3))) {
          Object v = vm.get(p.get(3));
          if (!(v instanceof List<?>) && !(v instanceof String sv && sv.contains("${{"))) {
            problems.add(at, Code.E154, path, "for-each needs a list, but steps." + p.get(1) + ".outputs." + p.get(3) + " is not a list", "give a list, e.g. " + p.get(3) + ": [a, b]");
          }
        }
      }
      return;
    }
    problems.add(at, Code.E154, path, "for-each lists come from params. or steps.<id>.outputs., found \"" + r + "\"", "write e.g. for-each: ${{ steps.regions.outputs.items }}");
  }

  private void checkStepRef(PipelineSpec spec, StepSpec step, Expr.Ref r, Location at, String path, boolean inMatrix, Problems problems) {
    List<String> p = r.path();
    boolean inOutputs = step == null && path.startsWith("outputs.");
    if ((step == null && !inOutputs) || inMatrix) {
      problems.add(at, Code.E132, path, "step outputs cannot be used " + (inMatrix ? "in matrix:" : "in the pipeline env") + ", found \"" + r + "\"", "matrix values and pipeline env are fixed before any step runs");
      return;
    }
    if (p.size() < 2) {
      problems.add(at, Code.E133, path, "a step reference is steps.<id>.outputs.<name>, found \"" + r + "\"", null);
      return;
    }
    String target = p.get(1);
    if (step != null && target.equals(step.id())) {
      problems.add(at, Code.E142, path, "a step cannot use its own outputs, found \"" + r + "\"", null);
      return;
    }
    StepSpec other = spec.steps().get(target);
    if (other == null) {
      problems.add(at, Code.E132, path, "unknown step \"" + target + "\"", Suggest.hint(target, spec.steps().keySet(), "steps"));
      return;
    }
    if (p.size() != 4 || !p.get(2).equals("outputs")) {
      problems.add(at, Code.E133, path, "a step reference is steps." + target + ".outputs.<name>, found \"" + r + "\"", null);
      return;
    }
    PipelineSpec included = spec.includes().get(target);
    if (included != null) {
      if (!included.outputs().containsKey(p.get(3))) {
        problems.add(at, Code.E133, path, "sub-pipeline step \"" + target + "\" (" + other.uses() + ") has no output \"" + p.get(3) + "\"",
            included.outputs().isEmpty() ? "declare it in the outputs: of " + included.file() : Suggest.hint(p.get(3), included.outputs().keySet(), "its outputs"));
      }
      return;
    }
    StepType<?> type = registry.find(other.uses()).orElse(null);
    if (type == null) return; // already reported as an unknown step type
    Set<String> outputs = outputsOf(other, type);
    if (!outputs.contains(p.get(3))) {
      problems.add(at, Code.E133, path, "step \"" + target + "\" (" + other.uses() + ") has no output \"" + p.get(3) + "\"", Suggest.hint(p.get(3), outputs, "its outputs"));
    }
  }

  /** Binds the child steps a step says it will run (kiln/tune's trials) as if they were steps. */
  @SuppressWarnings("unchecked")
  private void checkChildren(StepSpec step, StepType<?> type, ParamsBinder.Deferred deferred, Problems problems) {
    Map<String, Object> literal = (Map<String, Object>) Values.plain(step.with());
    List<dev.kiln.api.ChildProbe> probes;
    try {
      probes = type.children(literal);
    } catch (RuntimeException e) {
      return; // the step's own params are broken; binding them reported why
    }
    for (dev.kiln.api.ChildProbe probe : probes) {
      StepType<?> child = registry.find(probe.uses()).orElse(null);
      String path = "steps." + step.id() + ".with." + probe.usesPath();
      if (child == null) {
        Node at = nodeAt(step.with(), probe.usesPath());
        problems.add(at == null ? step.with().location() : at.location(), Code.E104, path, "unknown step type \"" + probe.uses() + "\"", Suggest.hint(probe.uses(), registry.all().keySet(), "installed"));
        continue;
      }
      MapNode with = (MapNode) graft(step.with(), probe.with(), step.with().location());
      new ParamsBinder(ParamsBinder.Mode.CHECK, null, deferred, problems).bind(child.paramsType(), with, "steps." + step.id() + "." + probe.label());
    }
  }

  private static Node graft(MapNode parent, Object v, Location fallback) {
    if (v instanceof dev.kiln.api.ChildProbe.From f) {
      Node n = nodeAt(parent, f.path());
      return n == null ? new ValueNode(null, null, fallback) : n;
    }
    if (v instanceof dev.kiln.api.ChildProbe.At a) {
      Node n = nodeAt(parent, a.path());
      return new ValueNode(a.value(), null, n == null ? fallback : n.location());
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, MapNode.Entry> entries = new java.util.LinkedHashMap<>();
      m.forEach((k, x) -> {
        Node n = graft(parent, x, fallback);
        // a wrong name is blamed on the key it came from (e.g. a parameter of a search space)
        String from = x instanceof dev.kiln.api.ChildProbe.At a ? a.path() : x instanceof dev.kiln.api.ChildProbe.From f ? f.path() : null;
        Location keyAt = from == null ? n.location() : keyLocation(parent, from, n.location());
        entries.put(String.valueOf(k), new MapNode.Entry(String.valueOf(k), keyAt, n));
      });
      return new MapNode(entries, fallback);
    }
    return new ValueNode(v, null, fallback);
  }

  private static Location keyLocation(MapNode m, String path, Location fallback) {
    int dot = path.lastIndexOf('.');
    Node parent = dot < 0 ? m : nodeAt(m, path.substring(0, dot));
    MapNode.Entry e = parent instanceof MapNode pm ? pm.entries().get(path.substring(dot + 1)) : null;
    return e == null ? fallback : e.keyLocation();
  }

  /** The node at a dotted path below a mapping, or null. */
  private static Node nodeAt(MapNode m, String path) {
    Node n = m;
    for (String part : path.split("\\.")) {
      if (!(n instanceof MapNode map) || !map.has(part)) return null;
      n = map.get(part);
    }
    return n;
  }

  /** Declared outputs plus those the step's literal params name. */
  public static Set<String> outputsOf(StepSpec step, StepType<?> type) {
    Set<String> out = new LinkedHashSet<>();
    for (Output o : type.outputs()) out.add(o.name());
    @SuppressWarnings("unchecked")
    Map<String, Object> literal = step.with() == null ? Map.of() : (Map<String, Object>) Values.plain(step.with());
    out.addAll(type.outputsNamedBy(literal));
    return out;
  }

  /** Type-checks a whole-expression reference to a typed pipeline param. */
  private void checkDeferred(PipelineSpec spec, StepSpec step, ScalarNode s, Type target, String targetName, String path, SourceText source, Problems problems) {
    Template t;
    try {
      t = Template.parse(s.text());
    } catch (ExprSyntaxError e) {
      return; // reported by checkExpressions
    }
    Class<?> raw = target instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) target;
    if (!t.isSingleExpression()) {
      if (raw != String.class && raw != Object.class && raw != java.nio.file.Path.class && raw != java.time.Duration.class && !raw.isEnum() && raw != dev.kiln.api.Artifact.class) {
        problems.add(s.location(), Code.E122, path, "expected " + targetName + ", found text with an embedded expression (always a string)", "use the expression alone: ${{ ... }}");
      }
      return;
    }
    if (!(t.expressions().get(0).expr() instanceof Expr.Ref r) || !r.context().equals("params") || r.path().size() != 2) return;
    ParamSpec param = spec.params().get(r.path().get(1));
    if (param == null) return;
    if (!fits(param.type(), raw)) {
      problems.add(source.at(s, r.offset()), Code.E122, path, "expected " + targetName + ", found params." + param.name() + " of type " + param.type().yamlName(), "declare the param with a matching type");
    }
  }

  private static boolean fits(ParamType p, Class<?> raw) {
    if (raw == Object.class) return true;
    if (raw == String.class) return p != ParamType.LIST && p != ParamType.MAP;
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) return p == ParamType.INT;
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) return p == ParamType.INT || p == ParamType.FLOAT;
    if (raw == boolean.class || raw == Boolean.class) return p == ParamType.BOOL;
    if (List.class.isAssignableFrom(raw)) return p == ParamType.LIST;
    if (Map.class.isAssignableFrom(raw) || (raw.isRecord() && raw != dev.kiln.api.Artifact.class)) return p == ParamType.MAP;
    if (raw == java.time.Duration.class) return p == ParamType.STRING || p == ParamType.INT;
    return p == ParamType.STRING;
  }
}
