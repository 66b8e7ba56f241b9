package dev.kiln.engine.models;

import dev.kiln.registry.Actor;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * Where a registry change comes from: the git commit and branch, whether it runs in CI, the CI
 * build URL, and who. Jenkins and GitHub Actions are read from their environment variables; a
 * person at a terminal from git and the user name.
 */
public final class Provenance {
  private Provenance() {}

  /** True under CI: {@code CI=true} (GitHub Actions and most CIs set it), or Jenkins' {@code JENKINS_URL}. */
  public static boolean ci(Map<String, String> env) {
    return "true".equalsIgnoreCase(env.getOrDefault("CI", "")) || present(env, "JENKINS_URL") || "true".equals(env.get("GITHUB_ACTIONS"));
  }

  /** The CI build's URL (Jenkins {@code BUILD_URL}, or the GitHub Actions run), or null. */
  public static String buildUrl(Map<String, String> env) {
    if (present(env, "BUILD_URL")) return env.get("BUILD_URL");
    if (present(env, "GITHUB_RUN_ID") && present(env, "GITHUB_REPOSITORY")) {
      return env.getOrDefault("GITHUB_SERVER_URL", "https://github.com") + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/" + env.get("GITHUB_RUN_ID");
    }
    return null;
  }

  /**
   * The branch being built: Jenkins' {@code BRANCH_NAME} (multibranch; {@code PR-n} for a pull
   * request) or {@code GIT_BRANCH} without its remote; on GitHub Actions the pushed branch, or for
   * a pull request its head branch prefixed {@code pr:}, so it never counts as the base branch;
   * else git's current branch. Null when unknown (detached HEAD outside CI, no git).
   */
  public static String branch(Path dir, Map<String, String> env) {
    if (present(env, "KILN_BRANCH")) return env.get("KILN_BRANCH");
    if (present(env, "BRANCH_NAME")) return env.get("BRANCH_NAME");
    if (present(env, "GIT_BRANCH")) return env.get("GIT_BRANCH").replaceFirst("^(refs/heads/|origin/)", "");
    if (present(env, "GITHUB_REF_NAME")) {
      String event = env.getOrDefault("GITHUB_EVENT_NAME", "");
      if (event.startsWith("pull_request")) return "pr:" + env.getOrDefault("GITHUB_HEAD_REF", env.get("GITHUB_REF_NAME"));
      return env.get("GITHUB_REF_NAME");
    }
    String b = git(dir, "rev-parse", "--abbrev-ref", "HEAD");
    return b == null || b.equals("HEAD") ? null : b;
  }

  /**
   * The commit: {@code KILN_GIT_COMMIT}, Jenkins' {@code GIT_COMMIT}, {@code GITHUB_SHA}, else
   * git's HEAD with {@code -dirty} when tracked files differ from it. Null outside git.
   */
  public static String gitCommit(Path dir, Map<String, String> env) {
    for (String k : new String[] {"KILN_GIT_COMMIT", "GIT_COMMIT", "GITHUB_SHA"}) if (present(env, k)) return env.get(k);
    String head = git(dir, "rev-parse", "HEAD");
    if (head == null) return null;
    String status = git(dir, "status", "--porcelain", "--untracked-files=no");
    return status != null && !status.isEmpty() ? head + "-dirty" : head;
  }

  /**
   * Who: {@code KILN_ACTOR}, else in CI the CI's user ({@code GITHUB_ACTOR}, Jenkins'
   * {@code BUILD_USER_ID}) or {@code ci}, else the login name; from where: the build URL in CI,
   * else {@code user@host}.
   */
  public static Actor actor(Path dir, Map<String, String> env) {
    return actor(env, gitCommit(dir, env));
  }

  /** {@link #actor(Path, Map)} with the commit already known (so git is not asked twice). */
  public static Actor actor(Map<String, String> env, String gitCommit) {
    String user = env.getOrDefault("USER", env.getOrDefault("USERNAME", System.getProperty("user.name", "unknown")));
    String name;
    if (present(env, "KILN_ACTOR")) name = env.get("KILN_ACTOR");
    else if (ci(env)) name = present(env, "GITHUB_ACTOR") ? env.get("GITHUB_ACTOR") : present(env, "BUILD_USER_ID") ? env.get("BUILD_USER_ID") : "ci";
    else name = user;
    String url = buildUrl(env);
    String origin = url != null ? url : user + "@" + dev.kiln.engine.home.KilnHome.hostName();
    return new Actor(name, origin, gitCommit);
  }

  private static boolean present(Map<String, String> env, String k) {
    String v = env.get(k);
    return v != null && !v.isBlank();
  }

  /**
   * git's answer, trimmed, or null when git is missing, this is no repository, or it fails. Also
   * what the MLflow source tags are read with.
   */
  public static String git(Path dir, String... args) {
    try {
      String[] cmd = new String[args.length + 1];
      cmd[0] = "git";
      System.arraycopy(args, 0, cmd, 1, args.length);
      var r = new ProcessExecutor().command(cmd).directory(dir.toFile()).readOutput(true).redirectError(java.io.OutputStream.nullOutputStream())
          .timeout(10, TimeUnit.SECONDS).exitValueAny().execute();
      return r.getExitValue() == 0 ? r.outputUTF8().trim() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null;
    }
  }
}
