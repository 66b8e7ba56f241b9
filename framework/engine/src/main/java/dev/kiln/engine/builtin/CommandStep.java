package dev.kiln.engine.builtin;

import dev.kiln.api.Artifact;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeroturnaround.exec.InvalidExitValueException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;
import org.zeroturnaround.exec.stream.LogOutputStream;

/**
 * Runs a process: how users glue a Python script or any tool into a pipeline. Its stdout and
 * stderr go to the step log; declared output files become artifacts; declared input files are
 * hashed into the cache key, so the step re-runs exactly when they change.
 */
final class CommandStep implements StepType<CommandStep.Params> {
  private static final int STDOUT_VALUE_LIMIT = 64 * 1024;
  private static final long JSON_OUTPUT_LIMIT = 1 << 20;

  record Params(
      @Param(value = "a shell script, run with sh -c (give this or argv); expression values reach it as environment variables, never as shell text", shell = true) String run,
      @Param("the program and its arguments, run without a shell (give this or run)") List<String> argv,
      @Param("extra environment variables for the process") Map<String, String> env,
      @Param("working directory, relative to the project directory") String workdir,
      @Param("kill the process and its children after this long") Duration timeout,
      @Param("input files or artifacts; their content is part of the cache key") List<Artifact> inputs,
      @Param("output name -> file the process writes; each becomes an artifact") Map<String, String> outputs,
      @Param("output name -> JSON file the process writes; its content becomes a value output (e.g. a list for for-each:), at most 1 MiB") Map<String, String> jsonOutputs,
      @Param(value = "exit codes that mean success", defaultValue = "[0]") List<Integer> successCodes) {

    Params {
      if ((run == null) == (argv == null || argv.isEmpty())) {
        throw new IllegalArgumentException("give exactly one of run (a shell script) and argv (a program and its arguments)");
      }
      env = env == null ? Map.of() : env;
      inputs = inputs == null ? List.of() : inputs;
      outputs = outputs == null ? Map.of() : outputs;
      jsonOutputs = jsonOutputs == null ? Map.of() : jsonOutputs;
      for (String k : jsonOutputs.keySet()) {
        if (outputs.containsKey(k)) throw new IllegalArgumentException("output \"" + k + "\" is declared in both outputs and json-outputs");
      }
      successCodes = successCodes == null || successCodes.isEmpty() ? List.of(0) : successCodes;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "kiln/command",
        "Runs a process (shell script or argv); declared output files become artifacts",
        Params.class,
        "1",
        List.of(
            Output.value("exit-code", "the process's exit code"),
            Output.value("stdout", "the process's standard output (at most 64 KiB, trailing newline removed)")));
  }

  @Override
  public Set<String> outputsNamedBy(Map<String, Object> literalWith) {
    Set<String> names = new java.util.LinkedHashSet<>(StepType.keysOf(literalWith, "outputs"));
    names.addAll(StepType.keysOf(literalWith, "json-outputs"));
    return names;
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    List<String> command = withParentDeathSignal(p.run() != null ? List.of("sh", "-c", p.run()) : p.argv());
    Path dir = p.workdir() == null ? ctx.projectDir() : ctx.projectDir().resolve(p.workdir());
    if (!Files.isDirectory(dir)) throw new StepFailure("working directory " + dir + " does not exist", false);
    Map<String, String> env = new LinkedHashMap<>(ctx.env());
    env.putAll(p.env());
    env.put("KILN_RUN_ID", ctx.runId());
    env.put("KILN_STEP", ctx.stepId());
    env.put("KILN_SCRATCH", ctx.scratchDir().toString());
    StringBuilder stdout = new StringBuilder();
    StartedProcess started;
    try {
      started = new ProcessExecutor()
          .command(command)
          .directory(dir.toFile())
          .environment(env)
          .redirectOutput(new LogOutputStream() {
            @Override
            protected void processLine(String line) {
              synchronized (stdout) {
                if (stdout.length() < STDOUT_VALUE_LIMIT) stdout.append(line).append('\n');
              }
              ctx.log(line);
            }
          })
          .redirectError(new LogOutputStream() {
            @Override
            protected void processLine(String line) {
              ctx.log("stderr: " + line);
            }
          })
          .exitValueAny()
          .destroyOnExit()
          .start();
    } catch (IOException e) {
      throw new StepFailure("cannot start " + command.get(SETPRIV ? 4 : 0) + ": " + e.getMessage(), false);
    }
    long deadline = p.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + p.timeout().toNanos();
    int exit;
    while (true) {
      try {
        exit = started.getFuture().get(100, TimeUnit.MILLISECONDS).getExitValue();
        break;
      } catch (TimeoutException e) {
        if (ctx.cancelled()) {
          killTree(started.getProcess());
          throw new InterruptedException("cancelled");
        }
        if (System.nanoTime() > deadline) {
          killTree(started.getProcess());
          throw new StepFailure("command timed out after " + p.timeout().toSeconds() + "s; the process and its children were killed");
        }
      } catch (InterruptedException e) {
        killTree(started.getProcess());
        throw e;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof InvalidExitValueException iv) {
          exit = iv.getExitValue();
          break;
        }
        throw new StepFailure("command failed: " + e.getCause().getMessage());
      }
    }
    if (!p.successCodes().contains(exit)) {
      throw new StepFailure("command exited with " + exit + " (success: " + p.successCodes() + "); see the step log");
    }
    StepResult.Builder b = StepResult.builder().output("exit-code", (long) exit);
    String out;
    synchronized (stdout) {
      out = stdout.toString();
    }
    b.output("stdout", out.endsWith("\n") ? out.substring(0, out.length() - 1) : out);
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> o : p.outputs().entrySet()) {
      Path f = dir.resolve(o.getValue());
      if (!Files.isRegularFile(f)) {
        missing.add(o.getValue());
        continue;
      }
      b.output(o.getKey(), ctx.storeArtifact(f, null));
    }
    for (Map.Entry<String, String> o : p.jsonOutputs().entrySet()) {
      Path f = dir.resolve(o.getValue());
      if (!Files.isRegularFile(f)) {
        missing.add(o.getValue());
        continue;
      }
      if (Files.size(f) > JSON_OUTPUT_LIMIT) throw new StepFailure("json output " + o.getKey() + " (" + o.getValue() + ") is " + Files.size(f) + " bytes; at most 1 MiB (write larger data to an artifact with outputs:)", false);
      try {
        b.output(o.getKey(), dev.kiln.engine.json.Json.MAPPER.readValue(f.toFile(), Object.class));
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new StepFailure("json output " + o.getKey() + " (" + o.getValue() + ") is not valid JSON: " + e.getOriginalMessage(), false);
      }
    }
    if (!missing.isEmpty()) {
      throw new StepFailure("the command succeeded but did not write its declared outputs: " + String.join(", ", missing) + " (relative to " + dir + ")");
    }
    return b.build();
  }

  private static final boolean SETPRIV = Files.isExecutable(Path.of("/usr/bin/setpriv"));

  /**
   * On Linux the process gets SIGKILL when the thread that started it dies, so a Kiln that is
   * itself killed (SIGKILL runs no cleanup) leaves no step process running behind a resume.
   */
  static List<String> withParentDeathSignal(List<String> command) {
    if (!SETPRIV) return command;
    List<String> out = new ArrayList<>(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
    out.addAll(command);
    return out;
  }

  /** Kills the process and everything it started, children first. */
  static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
