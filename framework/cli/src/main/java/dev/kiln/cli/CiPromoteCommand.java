package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.ci.CiPromotion;
import dev.kiln.ci.CiPromotion.Decision;
import dev.kiln.ci.PromotionPolicy;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.models.Provenance;
import dev.kiln.registry.Actor;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
  private final Provider<Engine> engine;
  private final Path cwd;

  @Inject
  CiPromoteCommand(KilnHome home, Provider<Engine> engine, @Named("cwd") Path cwd) {
    this.home = home;
    this.engine = engine;
    this.cwd = cwd;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = cwd.resolve(candidates);
    JsonNode build = CiPromotion.readCandidates(file, Show.display(cwd, file));
    String alias = promotion.alias();
    PromotionPolicy policy = promotion.policy(cwd, home);
    String refusal = policy.refusal(alias, cwd, home.env());
    if (refusal != null) throw PromotionPolicy.refused(refusal);
    Actor actor = Provenance.actor(cwd, home.env());
    String commit = build.path("commit").asText(null);
    if (commit != null && actor.gitCommit() != null && !commit.equals(actor.gitCommit())) {
      err.println("kiln ci: warning: the candidates were trained at " + commit + ", this build is at " + actor.gitCommit());
    }
    List<Decision> decisions = CiPromotion.decide(build, (model, version, reason) ->
        PromoteCommand.move(home, engine.get(), model, version, alias, actor, reason, false, err).promotion().fromVersion());
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
