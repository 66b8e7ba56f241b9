package dev.kiln.ci;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/** The git questions {@code kiln ci} asks, with failures said in a sentence (exit 2), not a stack trace. */
final class Git {
  private final Path dir;

  Git(Path dir) {
    this.dir = dir;
  }

  /** git's stdout; a failure is a usage problem naming the command and git's first error line. */
  String run(String... args) {
    Result r = exec(args);
    if (r.exit() != 0) {
      String err = r.err().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + r.exit());
      throw new CiProblem("git " + String.join(" ", args) + ": " + err);
    }
    return r.out();
  }

  /** git's stdout, or empty when it fails (e.g. a file that does not exist at a commit). */
  Optional<String> tryRun(String... args) {
    Result r = exec(args);
    return r.exit() == 0 ? Optional.of(r.out()) : Optional.empty();
  }

  List<String> lines(String... args) {
    List<String> out = new ArrayList<>();
    for (String l : run(args).split("\n")) if (!l.isBlank()) out.add(l.strip());
    return out;
  }

  private record Result(int exit, String out, String err) {}

  private Result exec(String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "core.quotepath=off"));
    cmd.addAll(Arrays.asList(args));
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    try {
      ProcessResult r = new ProcessExecutor().command(cmd).directory(dir.toFile()).readOutput(true).redirectError(err)
          .timeout(60, TimeUnit.SECONDS).exitValueAny().execute();
      return new Result(r.getExitValue(), r.outputUTF8(), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new CiProblem("git is not installed or cannot run (" + e.getMessage() + "); kiln ci needs git");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CiProblem("interrupted while running git");
    } catch (java.util.concurrent.TimeoutException e) {
      throw new CiProblem("git " + String.join(" ", args) + " did not finish in 60 s");
    }
  }
}
