package dev.kiln.cli;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.spi.Message;
import dev.kiln.api.KilnPlugin;
import dev.kiln.engine.home.KilnHome;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;

/** The {@code kiln} command. The only place a Guice injector is created. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI and returns its exit code: 0 success, 1 the run failed, 2 invalid input. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, Path.of("").toAbsolutePath(), System.getenv());
  }

  /** Runs the CLI as if started in {@code cwd} with environment {@code env}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Path cwd, java.util.Map<String, String> env) {
    KilnHome home = KilnHome.fromEnvironment(cwd, env);
    Injector injector;
    try {
      injector = injector(home, cwd);
    } catch (CreationException e) {
      for (Message m : e.getErrorMessages()) err.println("kiln: error: plugins: " + m.getMessage().replaceAll("\\s+", " "));
      err.println("  hint: remove one of the plugins that register the same step type, or rename it");
      return 2;
    }
    CommandLine cl = new CommandLine(new KilnCommand(), new GuiceFactory(injector));
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

  /** Lets picocli create commands through Guice. */
  private record GuiceFactory(Injector injector) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return injector.getInstance(cls);
      } catch (com.google.inject.ConfigurationException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
