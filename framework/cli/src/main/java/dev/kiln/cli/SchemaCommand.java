package dev.kiln.cli;

import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.validate.PipelineSchema;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "schema", mixinStandardHelpOptions = true, description = "Print the JSON Schema of pipeline YAML, including every installed step's params.")
final class SchemaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final Provider<StepRegistry> registry;

  @Inject
  SchemaCommand(Provider<StepRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Integer call() throws Exception {
    spec.commandLine().getOut().println(dev.kiln.engine.json.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(PipelineSchema.of(registry.get())));
    return 0;
  }
}
