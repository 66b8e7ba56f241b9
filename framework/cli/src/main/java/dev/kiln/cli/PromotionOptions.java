package dev.kiln.cli;

import dev.kiln.ci.PromotionPolicy;
import dev.kiln.engine.home.KilnHome;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The alias to move and the promotion policy that governs it: {@code kiln promote} and {@code kiln ci promote}. */
final class PromotionOptions {
  @Option(names = "--alias", defaultValue = "champion", paramLabel = "ALIAS", description = "The alias to move (default: ${DEFAULT-VALUE}).")
  String alias = "champion";

  @Option(names = "--policy", paramLabel = "FILE", description = "The promotion policy (default: KILN_POLICY, else " + PromotionPolicy.DEFAULT_FILE + ").")
  Path policyFile;

  /** The alias, checked. */
  String alias() {
    if (!alias.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) throw new Errors.UsageProblem("--alias: an alias is a letter then letters, digits, '_' or '-', found \"" + alias + "\"");
    return alias;
  }

  PromotionPolicy policy(Path cwd, KilnHome home) {
    return PromotionPolicy.resolve(policyFile, cwd, home.env());
  }
}
