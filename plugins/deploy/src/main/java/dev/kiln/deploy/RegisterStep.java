package dev.kiln.deploy;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.ModelCard;
import dev.kiln.api.Models;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Registers a model bundle as a version of a named model, with its lineage: the run and step, the
 * data versions the run read, the git commit, who ran it. Registering the same bundle again
 * returns its existing version. Promotion is a separate, gated act ({@code kiln promote}).
 */
final class RegisterStep implements StepType<RegisterStep.Params> {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,199}");

  record Params(
      @Param(value = "the model bundle (tribuo/train's model output)", required = true) Artifact model,
      @Param(value = "the registered model's name", required = true) String name,
      @Param("a description of this version") String description) {
    Params {
      checkName(name);
    }
  }

  /** A registered model's name: letters, digits, '_', '.' and '-'; anything else is a param error of {@code name}. */
  static void checkName(String name) {
    if (name != null && !NAME.matcher(name).matches()) {
      throw new InvalidParamException("name", false, "a model name is letters, digits, '_', '.' and '-', starting with a letter or digit; found \"" + name + "\"", "e.g. name: churn");
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "kiln/register",
        "Registers a model version with its lineage in Kiln's registry (mirrored to MLflow's when tracking is on)",
        Params.class,
        "1",
        List.of(
            Output.value("version", "the version number"),
            Output.value("uri", "models:/<name>/<version>"),
            Output.value("name", "the registered model's name")));
  }

  /** Registering is the point of the step: it runs every time (and is idempotent per bundle). */
  @Override
  public boolean cacheable() {
    return false;
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    String shown = ValidateStep.shown(p.model());
    ModelCard card = Runtimes.of(ctx, p.model(), shown).card(ctx.open(p.model()), shown);
    Models.Version v = ctx.models().register(p.name(), p.model(), card, p.description());
    return StepResult.builder()
        .output("version", v.version())
        .output("uri", "models:/" + v.model() + "/" + v.version())
        .output("name", v.model())
        .build();
  }
}
