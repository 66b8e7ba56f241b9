package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Output;
import dev.kiln.api.StepType;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.bind.ParamsSchema;
import dev.kiln.engine.json.Json;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List every installed step type with its params and outputs.")
final class PluginsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Spec CommandSpec spec;
  private final Provider<StepRegistry> registry;

  @Inject
  PluginsCommand(Provider<StepRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (StepType<?> t : registry.get().all().values()) {
        ObjectNode n = a.addObject();
        n.put("name", t.name());
        n.put("version", t.version());
        n.put("description", t.description());
        ArrayNode ps = n.putArray("params");
        for (ParamsSchema.Field f : ParamsSchema.of(t.paramsType()).fields()) {
          ObjectNode p = ps.addObject();
          p.put("name", f.yamlName());
          p.put("type", f.typeName());
          p.put("required", f.required());
          p.put("description", f.description());
        }
        ArrayNode os = n.putArray("outputs");
        for (Output o : t.outputs()) os.addObject().put("name", o.name()).put("kind", o.kind().name().toLowerCase(Locale.ROOT)).put("description", o.description());
      }
      out.println(Json.write(a));
      return 0;
    }
    for (StepType<?> t : registry.get().all().values()) {
      out.println(t.name() + " (version " + t.version() + ")");
      out.println("  " + t.description());
      out.println("  params:");
      for (ParamsSchema.Field f : ParamsSchema.of(t.paramsType()).fields()) {
        out.println(String.format(Locale.ROOT, "    %-16s %-30s %s%s", f.yamlName(), f.typeName(), f.required() ? "(required) " : "", f.description()));
      }
      out.println("  outputs:" + (t.outputs().isEmpty() ? " named by its params" : ""));
      for (Output o : t.outputs()) out.println(String.format(Locale.ROOT, "    %-16s %-30s %s", o.name(), o.kind().name().toLowerCase(Locale.ROOT), o.description()));
      out.println();
    }
    return 0;
  }
}
