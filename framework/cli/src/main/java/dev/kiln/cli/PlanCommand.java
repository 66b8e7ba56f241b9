package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.engine.Engine;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.plan.StepInstance;
import dev.kiln.engine.spec.StepSpec;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Show what a run would execute, in order, without running it.")
final class PlanCommand implements Callable<Integer> {
  enum Format { text, mermaid, dot, json }

  @Parameters(index = "0", paramLabel = "FILE")
  Path file;

  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "Override a pipeline param (repeatable).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--format", defaultValue = "text", description = "text, mermaid, dot or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Spec CommandSpec spec;
  private final Provider<Engine> engine;
  private final Path cwd;

  @Inject
  PlanCommand(Provider<Engine> engine, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.cwd = cwd;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ExecutionPlan plan = engine.get().plan(cwd.resolve(file), Show.display(cwd, file), params, p -> spec.commandLine().getErr().println(p.format()));
    switch (format) {
      case text -> text(plan, out);
      case mermaid -> mermaid(plan, out);
      case dot -> dot(plan, out);
      case json -> out.println(json(plan));
    }
    return 0;
  }

  private static void text(ExecutionPlan plan, PrintWriter out) {
    out.println("pipeline " + plan.spec().name() + ": " + plan.stepOrder().size() + " steps, " + plan.size() + " instances");
    out.println("params " + Json.write(plan.params()));
    int i = 1;
    for (String id : plan.stepOrder()) {
      StepSpec s = plan.spec().steps().get(id);
      String deps = plan.dependencies().get(id).isEmpty() ? "" : " after " + String.join(", ", plan.dependencies().get(id));
      String extra = (s.condition() != null ? " if " + s.condition().text() : "") + (s.cache() ? "" : " (cache off)")
          + (s.retry().attempts() > 1 ? " retry " + s.retry().attempts() : "") + (s.timeout() != null ? " timeout " + dev.kiln.engine.spec.Durations.format(s.timeout()) : "")
          + (s.forEach() != null ? " for-each " + s.forEach().text() + " (expanded at run time)" : "") + (s.maxParallel() != null ? " max-parallel " + s.maxParallel() : "");
      out.println(String.format("%3d. %s (%s)%s%s", i++, id, s.uses(), deps, extra));
      if (s.fansOut()) for (StepInstance inst : plan.instances().get(id)) out.println("       " + inst.key() + " " + Json.write(inst.matrix()));
    }
  }

  private static void mermaid(ExecutionPlan plan, PrintWriter out) {
    out.println("graph TD");
    mermaidSteps(plan, out, "", "  ");
    for (String id : plan.stepOrder()) for (String d : plan.dependencies().get(id)) out.println("  " + node(d) + " --> " + node(id));
  }

  /** The steps whose id starts with {@code prefix}; a sub-pipeline's steps (prepare/split) as a subgraph prepare. */
  private static void mermaidSteps(ExecutionPlan plan, PrintWriter out, String prefix, String indent) {
    java.util.Set<String> groups = new java.util.HashSet<>();
    for (String id : plan.stepOrder()) {
      if (!id.startsWith(prefix)) continue;
      int slash = id.indexOf('/', prefix.length());
      if (slash < 0) {
        StepSpec s = plan.spec().steps().get(id);
        int n = plan.instances().get(id).size();
        out.println(indent + node(id) + "[\"" + id + "<br/>" + s.uses() + (s.forEach() != null ? "<br/>for-each" : n > 1 ? "<br/>x" + n : "") + "\"]");
      } else if (groups.add(id.substring(0, slash))) {
        String group = id.substring(0, slash);
        String file = plan.stepOrder().stream().filter(x -> x.startsWith(group + "/")).findFirst().map(x -> "<br/>" + includedFile(plan.spec().steps().get(x), group)).orElse("");
        out.println(indent + "subgraph " + node(group) + "[\"" + group + file + "\"]");
        mermaidSteps(plan, out, group + "/", indent + "  ");
        out.println(indent + "end");
      }
    }
  }

  /** The file that the sub-pipeline step {@code group} includes, found from the origin of a step inside it. */
  private static String includedFile(StepSpec inside, String group) {
    int depth = inside.id().split("/").length - 1;
    int level = group.split("/").length;
    return level == depth ? inside.origin().file() : inside.origin().includedFrom().get(depth - 1 - level).file();
  }

  private static void dot(ExecutionPlan plan, PrintWriter out) {
    out.println("digraph \"" + plan.spec().name() + "\" {");
    out.println("  rankdir=LR;");
    for (String id : plan.stepOrder()) {
      StepSpec s = plan.spec().steps().get(id);
      int n = plan.instances().get(id).size();
      out.println("  \"" + id + "\" [shape=box, label=\"" + id + "\\n" + s.uses() + (s.forEach() != null ? "\\nfor-each" : n > 1 ? "\\nx" + n : "") + "\"];");
    }
    for (String id : plan.stepOrder()) for (String d : plan.dependencies().get(id)) out.println("  \"" + d + "\" -> \"" + id + "\";");
    out.println("}");
  }

  static String json(ExecutionPlan plan) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("pipeline", plan.spec().name());
    n.set("params", Json.MAPPER.valueToTree(plan.params()));
    var steps = n.putArray("steps");
    for (String id : plan.stepOrder()) {
      StepSpec s = plan.spec().steps().get(id);
      ObjectNode sn = steps.addObject();
      sn.put("id", id);
      sn.put("uses", s.uses());
      if (s.origin() != null) sn.put("origin", s.origin().file());
      sn.set("needs", Json.MAPPER.valueToTree(plan.dependencies().get(id)));
      sn.put("cache", s.cache());
      if (s.forEach() != null) sn.put("for_each", s.forEach().text());
      if (s.maxParallel() != null) sn.put("max_parallel", s.maxParallel());
      var insts = sn.putArray("instances");
      for (StepInstance i : plan.instances().get(id)) {
        ObjectNode in = insts.addObject();
        in.put("id", i.key());
        in.set("matrix", Json.MAPPER.valueToTree(i.matrix()));
      }
    }
    return Json.write(n);
  }

  private static String node(String id) {
    return id.replace('-', '_').replace("/", "__");
  }
}
