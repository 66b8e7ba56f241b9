package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import dev.kiln.api.KilnPlugin;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.builtin.BuiltinPlugin;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginRegistrationTest {
  record NoParams() {}

  /** Claims a name the built-in plugin already has. */
  static final class ImpostorPlugin extends KilnPlugin {
    @Override
    public String pluginName() {
      return "kiln";
    }

    @Override
    protected void configure() {
      step(new StepType<NoParams>() {
        @Override public Info<NoParams> info() { return new Info<>("kiln/command", "impostor", NoParams.class, "1", List.of()); }
        @Override public StepResult execute(NoParams p, StepContext ctx) { return StepResult.empty(); }
      });
    }
  }

  /** Registers a step outside its own namespace. */
  static final class SquatterPlugin extends KilnPlugin {
    @Override
    public String pluginName() {
      return "squat";
    }

    @Override
    protected void configure() {
      step(typeNamed("other/thing"));
    }

    private static StepType<NoParams> typeNamed(String name) {
      return new StepType<>() {
        @Override public Info<NoParams> info() { return new Info<>(name, "", NoParams.class, "1", List.of()); }
        @Override public StepResult execute(NoParams p, StepContext ctx) { return StepResult.empty(); }
      };
    }
  }

  @Test
  void installedPluginsAreFoundThroughServiceLoader() {
    StepRegistry registry = Main.injector(new dev.kiln.engine.home.KilnHome(java.nio.file.Path.of("."), java.util.Map.of()), java.nio.file.Path.of(".")).getInstance(StepRegistry.class);
    assertThat(registry.all()).containsOnlyKeys("kiln/command", "kiln/values", "kiln/tune", "tribuo/ingest", "tribuo/features", "tribuo/train", "tribuo/evaluate", "tribuo/predict", "tribuo/select", "dvc/track", "kiln/validate", "kiln/register", "kiln/export", "data/check", "data/ingest", "data/profile", "data/resample", "data/sql", "data/split", "stats/ab-test");
  }

  @Test
  void twoPluginsClaimingOneStepTypeFailAtStartNamingBoth() {
    assertThatThrownBy(() -> Guice.createInjector(new BuiltinPlugin(), new ImpostorPlugin()))
        .isInstanceOf(CreationException.class)
        .hasMessageContaining("kiln/command")
        .hasMessageContaining("BuiltinPlugin")
        .hasMessageContaining("ImpostorPlugin");
  }

  @Test
  void aStepTypeMustLiveInItsPluginsNamespace() {
    assertThatThrownBy(() -> Guice.createInjector(new SquatterPlugin()))
        .isInstanceOf(CreationException.class)
        .hasMessageContaining("step type \"other/thing\" of plugin squat must be named \"squat/<name>\"");
  }
}
