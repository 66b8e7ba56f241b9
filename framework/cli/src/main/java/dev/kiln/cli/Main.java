package dev.kiln.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.kiln.api.KilnPlugin;
import dev.kiln.engine.home.KilnHome;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;

/**
 * The {@code kiln} command. The only place a Guice injector is created, and only when a command
 * asks for something the plugins provide: {@code kiln --version}, {@code --help}, {@code runs} or
 * {@code show} never load a plugin (see {@link CommandFactory}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Guice records a stack trace for every binding unless told not to; bindings that matter name
    // their source (KilnPlugin.step), and --debug still prints the exception's own trace
    if (System.getProperty("guice_include_stack_traces") == null) System.setProperty("guice_include_stack_traces", "OFF");
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI and returns its exit code: 0 success, 1 the run failed, 2 invalid input. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, Path.of("").toAbsolutePath(), System.getenv());
  }

  /** Runs the CLI as if started in {@code cwd} with environment {@code env}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Path cwd, java.util.Map<String, String> env) {
    KilnHome home = KilnHome.fromEnvironment(cwd, env);
    CommandLine cl;
    try {
      cl = new CommandLine(new KilnCommand(), new CommandFactory(home, cwd, () -> injector(home, cwd)));
      for (Class<?> sub : KilnCommand.subcommandsFor(args)) cl.addSubcommand(sub);
    } catch (RuntimeException e) {
      // a command that needs the plugins' injector to be created at all (none does today)
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof Injection.PluginConflict c) return new Errors().handleExecutionException(c, new CommandLine(new KilnCommand()).setErr(err), null);
      }
      throw e;
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new Errors());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    try {
      return cl.execute(args);
    } finally {
      home.close();
    }
  }

  static Injector injector(KilnHome home, Path cwd) {
    List<Module> modules = new ArrayList<>();
    for (KilnPlugin p : ServiceLoader.load(KilnPlugin.class)) modules.add(p);
    modules.add(new AbstractModule() {
      @Override
      protected void configure() {
        bind(KilnHome.class).toInstance(home);
        KilnPlugin.trackerBinder(binder()); // the set exists even when no plugin tracks
        KilnPlugin.dataVersioningBinder(binder());
        KilnPlugin.modelRuntimeBinder(binder());
        bind(Path.class).annotatedWith(com.google.inject.name.Names.named("cwd")).toInstance(cwd);
      }
    });
    return Guice.createInjector(Stage.DEVELOPMENT, modules);
  }
}
