package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.spi.Message;
import dev.kiln.engine.home.KilnHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What start-up leaves out: subcommands a command cannot reach, plugins it does not use, a store it does not read. */
class StartupTest {
  @TempDir Path dir;

  @Test
  void onlyTheNamedSubcommandIsBuiltAndEverythingWhenNoneIsNamed() {
    assertThat(KilnCommand.subcommandsFor(new String[] {"run", "p.yaml", "-p", "x=validate"})).containsExactly(RunCommand.class);
    assertThat(KilnCommand.subcommandsFor(new String[] {"--debug", "validate", "pipelines/"})).containsExactly(ValidateCommand.class);
    assertThat(KilnCommand.subcommandsFor(new String[] {"ci", "changed", "--base", "x"})).containsExactly(CiCommand.class);
    assertThat(KilnCommand.subcommandsFor(new String[] {"--version"})).isEmpty();
    assertThat(KilnCommand.subcommandsFor(new String[] {"--debug", "-V"})).isEmpty();
    for (String[] all : List.of(new String[] {}, new String[] {"--help"}, new String[] {"help", "run"}, new String[] {"rnu"},
        new String[] {"--", "run"}, new String[] {"--version", "--help"})) {
      assertThat(KilnCommand.subcommandsFor(all)).as(String.join(" ", all)).isEqualTo(KilnCommand.SUBCOMMANDS);
    }
  }

  @Test
  void theRootTakesNoOptionWithAValueSoTheFirstOtherArgumentIsTheCommand() {
    for (CommandLine.Model.OptionSpec o : new CommandLine(new KilnCommand()).getCommandSpec().options()) {
      assertThat(o.arity().max()).as(o.longestName() + " takes a value: KilnCommand.subcommandsFor must skip it").isZero();
    }
  }

  @Test
  void helpVersionAndUsageErrorsReadAsBefore() {
    Cli cli = Cli.in(dir);
    Cli.Result v = cli.run("--version");
    assertThat(v.exit()).isZero();
    assertThat(v.out()).startsWith("kiln ").contains("Java " + System.getProperty("java.version"));
    Cli.Result help = cli.run("--help");
    assertThat(help.exit()).isZero();
    for (Class<?> c : KilnCommand.SUBCOMMANDS) {
      assertThat(help.out()).contains("  " + c.getAnnotation(CommandLine.Command.class).name() + " ");
    }
    Cli.Result typo = cli.run("rnu", "p.yaml");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("Unmatched argument").contains("validate").contains("schema");
    Cli.Result missing = cli.run("validate");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required parameter: 'PATH'").contains("Usage: kiln validate");
    assertThat(cli.run("help", "plan").out()).contains("Usage: kiln plan");
    assertThat(dir.resolve(".kiln")).as("no store was opened").doesNotExist();
  }

  @Test
  void validateAndPluginsOpenNoStore() throws Exception {
    Files.writeString(dir.resolve("p.yaml"), "name: p\nsteps:\n  a:\n    uses: kiln/values\n    with: {values: {x: 1}}\n");
    Cli cli = Cli.in(dir);
    assertThat(cli.run("validate", "p.yaml").exit()).isZero();
    assertThat(cli.run("plan", "p.yaml").exit()).isZero();
    assertThat(cli.run("plugins", "--json").exit()).isZero();
    assertThat(cli.run("schema").exit()).isZero();
    assertThat(dir.resolve(".kiln")).as("no store was opened").doesNotExist();
  }

  @Test
  void commandsAreCreatedWithoutThePluginsAndBuildThemOnFirstUse() throws Exception {
    AtomicInteger built = new AtomicInteger();
    KilnHome home = new KilnHome(dir.resolve(".kiln"), Map.of());
    CommandFactory factory = new CommandFactory(home, dir, () -> {
      built.incrementAndGet();
      return Main.injector(home, dir);
    });
    for (Class<?> c : KilnCommand.SUBCOMMANDS) factory.create(c);
    factory.create(CiChangedCommand.class);
    factory.create(DataCommand.Status.class);
    assertThat(built).as("creating every command builds no injector").hasValue(0);
    ValidateCommand v = factory.create(ValidateCommand.class);
    PlanCommand p = factory.create(PlanCommand.class);
    assertThat(built).hasValue(0);
    var engine = (jakarta.inject.Provider<?>) field(v, "engine");
    assertThat(engine.get()).isInstanceOf(dev.kiln.engine.Engine.class);
    assertThat(((jakarta.inject.Provider<?>) field(p, "engine")).get()).isInstanceOf(dev.kiln.engine.Engine.class);
    assertThat(built).as("built once, on first use").hasValue(1);
  }

  @Test
  void pluginsThatCannotBePutTogetherAreAnInputErrorWhenACommandNeedsThem() {
    KilnHome home = new KilnHome(dir.resolve(".kiln"), Map.of());
    CommandFactory factory = new CommandFactory(home, dir, () -> {
      throw new CreationException(List.of(new Message("step type kiln/command is registered twice")));
    });
    assertThatThrownBy(() -> factory.injector()).isInstanceOf(Injection.PluginConflict.class);
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new KilnCommand()).setErr(new PrintWriter(err, true));
    int exit = new Errors().handleExecutionException(new Injection.PluginConflict(List.of("step type kiln/command is registered twice"), null), cl, null);
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("kiln: error: plugins: step type kiln/command is registered twice").contains("hint: remove one of the plugins");
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    var f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }
}
