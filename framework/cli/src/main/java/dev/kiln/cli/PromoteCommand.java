package dev.kiln.cli;

import dev.kiln.api.ModelRegistryMirror;
import dev.kiln.ci.PromotionPolicy;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.models.EngineModels;
import dev.kiln.engine.models.Provenance;
import dev.kiln.registry.Actor;
import dev.kiln.registry.ModelVersion;
import dev.kiln.registry.Promotion;
import dev.kiln.serve.AliasPointer;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "promote", mixinStandardHelpOptions = true,
    description = {"Point an alias (default: champion) at a model version.",
        "Only a version holding a passing blessing (from kiln/validate), and only where the promotion policy (registry/policy.yaml) allows;",
        "--force --reason overrides both and is recorded in the audit log (kiln history NAME)."})
final class PromoteCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
  String name;

  @Parameters(index = "1", paramLabel = "VERSION", description = "The version to promote.")
  int version;

  @picocli.CommandLine.Mixin PromotionOptions promotion = new PromotionOptions();

  @Option(names = "--force", description = "Promote although the version is not blessed or the policy does not allow it here (needs --reason).")
  boolean force;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the audit log (required with --force).")
  String reason;


  @Option(names = "--json", description = "Print the promotion as JSON.")
  boolean json;

  @Spec CommandSpec spec;
  private final KilnHome home;
  private final Provider<Engine> engine;
  private final Path cwd;

  @Inject
  PromoteCommand(KilnHome home, Provider<Engine> engine, @Named("cwd") Path cwd) {
    this.home = home;
    this.engine = engine;
    this.cwd = cwd;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    String alias = promotion.alias();
    if (force && (reason == null || reason.isBlank())) throw new Errors.UsageProblem("--force needs --reason \"why\": a forced promotion is recorded with its reason");
    PromotionPolicy policy = promotion.policy(cwd, home);
    String refusal = policy.refusal(alias, cwd, home.env());
    if (refusal != null && !force) throw PromotionPolicy.refused(refusal);
    if (refusal != null) err.println("kiln: warning: forced past the promotion policy: " + refusal);
    Actor actor = Provenance.actor(cwd, home.env());
    Moved moved = move(home, engine.get(), name, version, alias, actor, reason, force, err);
    Promotion p = moved.promotion();
    String mirrored = moved.mirrorVersion();
    if (json) {
      out.println(Json.write(java.util.Map.of("promotion", p, "mirrorVersion", mirrored == null ? "" : mirrored)));
    } else {
      out.println(name + "@" + alias + " -> version " + version + (p.fromVersion() == null ? " (new alias)" : " (was version " + p.fromVersion() + ")")
          + (p.forced() ? " FORCED: " + reason : "") + "; by " + actor.name() + " from " + actor.origin());
      if (policy.file() == null) out.println("note: no promotion policy (" + PromotionPolicy.DEFAULT_FILE + "): a blessed version may be promoted from anywhere");
    }
    return 0;
  }

  /** A promotion done, and the tracker's version the alias was mirrored to (null when not mirrored). */
  record Moved(Promotion promotion, String mirrorVersion) {}

  /**
   * Moves the alias in the registry (which refuses an unblessed version unless forced), writes the
   * alias pointer {@code kiln serve} watches on H2, and mirrors the move to the trackers' registries.
   */
  static Moved move(KilnHome home, Engine engine, String name, int version, String alias, Actor actor, String reason, boolean force, java.io.PrintWriter err) {
    Promotion p = home.store().models().promote(name, version, alias, actor, reason, force, System.currentTimeMillis());
    ModelVersion promoted = home.store().models().version(name, version).orElseThrow();
    new AliasPointer(name, alias, version, promoted.artifactSha256(), promoted.mediaType()).write(home.dir());
    return new Moved(p, mirror(home, engine, p, promoted, err));
  }

  /** Moves the alias in the trackers' registries (MLflow) too; a failure is a warning: Kiln's registry has moved. */
  private static String mirror(KilnHome home, Engine engine, Promotion p, ModelVersion v, java.io.PrintWriter err) {
    List<ModelRegistryMirror> mirrors = engine.mirrors(home, home.env());
    if (mirrors.isEmpty()) return null;
    String mv = v.mirrorVersion() != null ? v.mirrorVersion() : EngineModels.mirror(home.store(), v, mirrors, line -> err.println("kiln: " + line));
    if (mv == null) return null;
    for (ModelRegistryMirror m : mirrors) {
      try {
        m.setAlias(p.model(), p.alias(), mv);
      } catch (RuntimeException e) {
        err.println("kiln: warning: the alias moved in Kiln's registry but not in the tracker's (" + e.getMessage() + "); run the promotion again to retry the mirror");
        return null;
      }
    }
    return mv;
  }
}
