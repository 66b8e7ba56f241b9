package dev.kiln.dvc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * The {@code dvc} command line, run through zt-exec with a timeout, its JSON outputs parsed, its
 * failures turned into {@link DvcException}s that say what to do. Which executable: {@code KILN_DVC}
 * when set, else {@code dvc} on the PATH.
 */
public final class Dvc {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private final String executable;
  private final Path repo;
  private final Duration timeout;
  private final Map<String, String> env;

  Dvc(String executable, Path repo, Duration timeout, Map<String, String> env) {
    this.executable = executable;
    this.repo = repo;
    this.timeout = timeout;
    this.env = env;
  }

  /** dvc run in the repository {@code repo} (see {@link #findRepo}), configured from {@code env}. */
  public static Dvc at(Path repo, Map<String, String> env) {
    String exe = env.getOrDefault("KILN_DVC", "").isBlank() ? "dvc" : env.get("KILN_DVC");
    Duration timeout = DEFAULT_TIMEOUT;
    String t = env.get("KILN_DVC_TIMEOUT_S");
    if (t != null && t.matches("\\d+")) timeout = Duration.ofSeconds(Long.parseLong(t));
    return new Dvc(exe, repo, timeout, env);
  }

  /** The nearest directory at or above {@code path} (a file or directory) that is a DVC repository, or null. */
  public static Path findRepo(Path path) {
    for (Path d = path.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve(".dvc"))) return d;
    }
    return null;
  }

  /** What a dvc command printed and how it ended. */
  public record Result(int exit, String stdout, String stderr) {}

  /** Runs {@code dvc ARGS} in the repository; a non-zero exit is a {@link DvcException}. */
  public Result run(String what, String... args) {
    Result r = exec(args);
    if (r.exit() != 0) throw failure(what, args, r);
    return r;
  }

  /** Runs {@code dvc ARGS --json} and parses what it printed. */
  public JsonNode json(String what, String... args) {
    Result r = run(what, args);
    String out = r.stdout().trim();
    if (out.isEmpty()) return JSON.createObjectNode();
    try {
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new DvcException(what + ": dvc printed something that is not JSON: " + abbreviate(out), "is the dvc on the PATH DVC 3.x? `dvc --version`");
    }
  }

  Result exec(String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(List.of(args));
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    try {
      ProcessResult r = new ProcessExecutor()
          .command(command)
          .directory(repo.toFile())
          .environment(env)
          .environment("DVC_NO_ANALYTICS", "1")
          .readOutput(true)
          .redirectError(err)
          .destroyOnExit()
          .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .exitValueAny()
          .execute();
      return new Result(r.getExitValue(), r.outputUTF8(), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      throw new DvcException("`dvc " + String.join(" ", args) + "` did not finish within " + timeout.toSeconds() + " s", "set KILN_DVC_TIMEOUT_S (seconds) to wait longer, or check the DVC remote is reachable");
    } catch (IOException e) {
      if (isNotFound(e)) {
        throw new DvcException("the dvc command (" + executable + ") is not installed or not on the PATH",
            "install it with `pip install dvc` (in this repository: infra/venv.sh dvc==3.67.1, then add infra/.venv/bin to PATH), or point KILN_DVC at the executable");
      }
      throw new DvcException("cannot run dvc: " + e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DvcException("interrupted while dvc ran", null);
    }
  }

  private static boolean isNotFound(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("error=2") || m.contains("No such file")) return true;
    }
    return false;
  }

  /** A failed dvc command, told by its exit code and what it printed. */
  DvcException failure(String what, String[] args, Result r) {
    String err = r.stderr().isBlank() ? r.stdout() : r.stderr();
    String lower = err.toLowerCase(java.util.Locale.ROOT);
    String cmd = "`dvc " + String.join(" ", args) + "`";
    String detail = firstError(err);
    if (r.exit() == 253 || lower.contains("not inside of a dvc repository")) {
      return new DvcException(what + ": " + repo + " is not a DVC repository", "run `dvc init` there (inside a git repository), or run Kiln from the repository");
    }
    if (lower.contains("missing cache files") || lower.contains("not in cache") || lower.contains("do not exist neither locally nor on remote")) {
      return new DvcException(what + ": the data is neither in the DVC cache nor on the remote (" + detail + ")",
          "whoever changed it must `dvc push`; check `dvc remote list` names the team's remote");
    }
    if (lower.contains("no remote provided") || lower.contains("no default remote")) {
      return new DvcException(what + ": no DVC remote is configured", "add one with `dvc remote add -d NAME URL`");
    }
    if (lower.contains("failed to pull") || lower.contains("failed to push") || lower.contains("unable to connect") || lower.contains("failed to fetch")
        || lower.contains("connection") || lower.contains("unreachable")) {
      return new DvcException(what + ": the DVC remote is unreachable (" + detail + ")", "check `dvc remote list` and that the remote is reachable from here; then run again");
    }
    if (r.exit() == 251) return new DvcException(what + ": DVC's configuration is invalid (" + detail + ")", "fix .dvc/config (`dvc config --list`)");
    if (r.exit() == 254) return new DvcException(what + ": " + cmd + " was refused as bad usage (" + detail + ")", "is this DVC 3.x? `dvc --version`");
    return new DvcException(what + ": " + cmd + " failed with exit code " + r.exit() + " (" + detail + ")", null);
  }

  private static String firstError(String err) {
    for (String line : err.split("\\R")) {
      if (line.startsWith("ERROR:")) return abbreviate(line.substring(6).trim());
    }
    String t = err.trim();
    return t.isEmpty() ? "no message" : abbreviate(t.lines().findFirst().orElse(t));
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
