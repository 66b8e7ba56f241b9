package dev.kiln.cli;

import dev.kiln.api.ModelRuntime;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.serve.ModelServer;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kiln serve}: the options, then {@link ModelServer} (framework/serve) until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve registered models over HTTP: POST /v1/models/{name}/predict (JSON rows or CSV), GET /v1/models, /healthz, /readyz, /metrics (Prometheus).",
        "NAME@ALIAS follows the alias: when it moves (kiln promote), the new version is loaded and swapped in without dropping a request. NAME:VERSION pins a version.",
        "A bundle written by kiln/export (FILE.zip) is served on its own, without a store or registry."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "MODEL", description = "NAME@ALIAS (e.g. churn@champion), NAME:VERSION, NAME (= NAME@champion), or a kiln/export bundle FILE.zip.")
  List<String> targets;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--poll-ms", defaultValue = "1000", description = "How often aliases are checked for a move (default: ${DEFAULT-VALUE} ms).")
  long pollMs;

  @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
  long maxBody;

  @Spec CommandSpec spec;
  private final KilnHome home;
  private final Provider<Set<ModelRuntime>> runtimes;
  private final Path cwd;

  @Inject
  ServeCommand(KilnHome home, Provider<Set<ModelRuntime>> runtimes, @Named("cwd") Path cwd) {
    this.home = home;
    this.runtimes = runtimes;
    this.cwd = cwd;
  }

  @Override
  public Integer call() throws Exception {
    // a body is held in one array while it is parsed
    if (maxBody < 1 || maxBody > Integer.MAX_VALUE - 8) throw new Errors.UsageProblem("--max-body-bytes must be between 1 and " + (Integer.MAX_VALUE - 8) + ", found " + maxBody);
    ModelServer server = new ModelServer(home, runtimes.get(), cwd, name -> ModelsCommand.requireModel(home.store().models(), name), new ModelServer.Options(host, port, pollMs, maxBody));
    return server.serve(targets, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
