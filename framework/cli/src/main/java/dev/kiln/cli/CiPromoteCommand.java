package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.models.Provenance;
import dev.kiln.registry.Actor;
import dev.kiln.registry.PromotionRefused;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "promote", mixinStandardHelpOptions = true,
    description = {"Promote the candidates this build's kiln ci retrain registered and the gate blessed, where the promotion policy allows (e.g. only the CI build of main).",
        "Each promotion is audited with the CI build URL and the commit. An unblessed candidate is refused and reported. Exit 2 when the policy refuses this build."})
final class CiPromoteCommand implements Callable<Integer> {
  @Option(names = "--candidates", defaultValue = "kiln-ci/candidates.json", paramLabel = "FILE", description = "What kiln ci retrain wrote (default: ${DEFAULT-VALUE}).")
  Path candidates;

  @picocli.CommandLine.Mixin PromotionOptions promotion = new PromotionOptions();

  @Option(names = "--json", description = "Print what was promoted and refused as JSON.")
  boolean json;

  @Spec CommandSpec spec;
  private final KilnHome home;
  private final Engine engine;
  private final Path cwd;

  @Inject
  CiPromoteCommand(KilnHome home, Engine engine, @Named("cwd") Path cwd) {
    this.home = home;
    this.engine = engine;
    this.cwd = cwd;
  }

  /** One candidate's fate: promoted, refused (not blessed) or not registered. */
  record Decision(String model, Integer version, String pipeline, String outcome, String reason, Integer fromVersion) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = cwd.resolve(candidates);
    if (!Files.exists(file)) throw new Errors.UsageProblem(Show.display(cwd, file) + " does not exist; run kiln ci retrain first (it writes the candidates of this build)");
    JsonNode build;
    try {
      build = Json.read(Files.readString(file));
    } catch (RuntimeException e) {
      throw new Errors.UsageProblem(Show.display(cwd, file) + " is not what kiln ci retrain writes (not JSON)");
    }
    String alias = promotion.alias();
    PromotionPolicy policy = promotion.policy(cwd, home);
    String refusal = policy.refusal(alias, cwd, home.env());
    if (refusal != null) throw PromotionPolicy.refused(refusal);
    Actor actor = Provenance.actor(cwd, home.env());
    String commit = build.path("commit").asText(null);
    if (commit != null && actor.gitCommit() != null && !commit.equals(actor.gitCommit())) {
      err.println("kiln ci: warning: the candidates were trained at " + commit + ", this build is at " + actor.gitCommit());
    }
    List<Decision> decisions = new ArrayList<>();
    for (JsonNode p : build.path("pipelines")) {
      for (JsonNode c : p.path("candidates")) {
        String model = c.path("model").asText();
        String pipeline = p.path("file").asText();
        if (!c.path("version").isInt()) {
          decisions.add(new Decision(model, null, pipeline, "not-registered", "the pipeline validates it but registers no version (add a kiln/register step)", null));
          continue;
        }
        int version = c.path("version").asInt();
        String reason = "kiln ci promote: blessed by " + c.path("step").asText() + " of " + pipeline + " (run " + p.path("runId").asText() + ")";
        try {
          PromoteCommand.Moved m = PromoteCommand.move(home, engine, model, version, alias, actor, reason, false, err);
          decisions.add(new Decision(model, version, pipeline, "promoted", reason, m.promotion().fromVersion()));
        } catch (PromotionRefused e) {
          decisions.add(new Decision(model, version, pipeline, "refused", e.getMessage(), null));
        }
      }
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("alias", alias);
      m.put("actor", actor);
      m.put("decisions", decisions);
      out.println(Json.write(m));
    } else {
      if (decisions.isEmpty()) out.println("no candidates in " + Show.display(cwd, file) + ": nothing to promote");
      for (Decision d : decisions) {
        switch (d.outcome()) {
          case "promoted" -> out.println("promoted " + d.model() + "@" + alias + " -> version " + d.version() + (d.fromVersion() == null ? " (new alias)" : " (was version " + d.fromVersion() + ")")
              + "; by " + actor.name() + " from " + actor.origin());
          case "refused" -> out.println("refused  " + d.model() + " version " + d.version() + ": " + d.reason());
          default -> out.println("skipped  " + d.model() + ": " + d.reason());
        }
      }
    }
    return 0;
  }
}
