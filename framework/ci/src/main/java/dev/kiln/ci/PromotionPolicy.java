package dev.kiln.ci;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kiln.engine.models.Provenance;
import dev.kiln.registry.PromotionRefused;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The repository's promotion policy ({@code registry/policy.yaml}): per alias, whether it may only
 * move in CI and from which branches. The registry's own gate (a passing blessing) applies on top;
 * {@code --force --reason} overrides both and is audited.
 */
public record PromotionPolicy(Path file, Map<String, Rule> aliases, Rule fallback) {
  public static final String DEFAULT_FILE = "registry/policy.yaml";

  /**
   * @param ciOnly only when running in CI ({@code CI=true}, Jenkins, GitHub Actions)
   * @param branches only when building one of these branches (empty: any)
   */
  public record Rule(@JsonProperty("ci-only") Boolean ciOnly, @JsonProperty("branches") List<String> branches) {
    public Rule {
      ciOnly = ciOnly != null && ciOnly;
      branches = branches == null ? List.of() : List.copyOf(branches);
    }
  }

  private record FileShape(@JsonProperty("aliases") Map<String, Rule> aliases, @JsonProperty("default") Rule fallback) {}

  /**
   * The policy that governs a promotion: {@code option} (--policy) if given, else the file KILN_POLICY
   * names, else {@link #DEFAULT_FILE}; one named explicitly must exist.
   */
  public static PromotionPolicy resolve(Path option, Path cwd, Map<String, String> env) {
    String named = env.get("KILN_POLICY");
    Path f = option != null ? cwd.resolve(option) : named != null && !named.isBlank() ? cwd.resolve(named) : cwd.resolve(DEFAULT_FILE);
    if ((option != null || (named != null && !named.isBlank())) && !Files.exists(f)) throw new CiProblem("promotion policy " + f + " does not exist");
    return load(f, cwd.relativize(f.toAbsolutePath()).toString());
  }

  /** The policy in {@code file}; none (anything blessed may be promoted anywhere) when it does not exist. */
  public static PromotionPolicy load(Path file, String shown) {
    if (!Files.exists(file)) return new PromotionPolicy(null, Map.of(), new Rule(false, List.of()));
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      FileShape f = yaml.readValue(file.toFile(), FileShape.class);
      if (f == null) f = new FileShape(null, null);
      return new PromotionPolicy(file, f.aliases() == null ? Map.of() : f.aliases(), f.fallback() == null ? new Rule(false, List.of()) : f.fallback());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = shown + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr());
      String what = e instanceof UnrecognizedPropertyException u
          ? "unknown key \"" + u.getPropertyName() + "\"; expected one of " + u.getKnownPropertyIds()
          : e.getOriginalMessage();
      throw new CiProblem(where + ": error: promotion policy: " + what
          + "\n  hint: the shape is `aliases: {champion: {ci-only: true, branches: [main]}}` with an optional `default:` rule");
    } catch (IOException e) {
      throw new CiProblem(shown + ": cannot read the promotion policy: " + e.getMessage());
    }
  }

  public Rule rule(String alias) {
    return aliases.getOrDefault(alias, fallback);
  }

  /** Why moving {@code alias} is not allowed here, or null when it is. */
  public String refusal(String alias, Path cwd, Map<String, String> env) {
    Rule r = rule(alias);
    String where = file == null ? "" : " (promotion policy " + DEFAULT_FILE + ", alias " + alias + ")";
    if (r.ciOnly() && !Provenance.ci(env)) return alias + " may only be moved in CI" + where + "; this is not a CI build (CI is not true)";
    if (!r.branches().isEmpty()) {
      String branch = Provenance.branch(cwd, env);
      if (branch == null || !r.branches().contains(branch)) {
        return alias + " may only be moved from branch " + String.join(" or ", r.branches()) + where + "; this build is on " + (branch == null ? "an unknown branch" : "\"" + branch + "\"");
      }
    }
    return null;
  }

  public static PromotionRefused refused(String why) {
    return new PromotionRefused(why, "promote from where the policy allows (e.g. the CI build of main), or override with --force --reason \"...\" (audited)");
  }
}
