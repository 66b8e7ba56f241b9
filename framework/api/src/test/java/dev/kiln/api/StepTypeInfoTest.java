package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepTypeInfoTest {
  record Params(@Param("who to greet") String who) {}

  static final class Greet implements StepType<Params> {
    @Override
    public Info<Params> info() {
      return new Info<>("acme/greet", "Says hello", Params.class, "2", List.of(Output.value("greeting", "the greeting")));
    }

    @Override
    public StepResult execute(Params p, StepContext ctx) {
      return StepResult.builder().output("greeting", "hello " + p.who()).build();
    }
  }

  @Test
  void theGettersReadTheOneDeclaration() {
    Greet g = new Greet();
    assertThat(g.name()).isEqualTo("acme/greet");
    assertThat(g.description()).isEqualTo("Says hello");
    assertThat(g.paramsType()).isEqualTo(Params.class);
    assertThat(g.version()).isEqualTo("2");
    assertThat(g.outputs()).containsExactly(Output.value("greeting", "the greeting"));
  }

  @Test
  void outputsAreCopiedSoTheDeclarationCannotChangeAfterwards() {
    List<Output> outs = new ArrayList<>(List.of(Output.value("a", "")));
    StepType.Info<Params> info = new StepType.Info<>("acme/x", "", Params.class, "1", outs);
    outs.add(Output.value("b", ""));
    assertThat(info.outputs()).extracting(Output::name).containsExactly("a");
    assertThat(new StepType.Info<>("acme/x", "", Params.class, "1", null).outputs()).isEmpty();
  }

  @Test
  void aNameWithoutItsPluginIsRefused() {
    assertThatThrownBy(() -> new StepType.Info<>("greet", "", Params.class, "1", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a step type's name is <plugin>/<name>, e.g. acme/greet; found \"greet\"");
    assertThatThrownBy(() -> new StepType.Info<>("acme/", "", Params.class, "1", List.of()))
        .hasMessage("a step type's name is <plugin>/<name>, e.g. acme/greet; found \"acme/\"");
    assertThatThrownBy(() -> new StepType.Info<>(null, "", Params.class, "1", List.of()))
        .hasMessage("a step type's name is <plugin>/<name>, e.g. acme/greet; found nothing");
  }

  @Test
  void descriptionParamsTypeAndVersionAreRequired() {
    assertThatThrownBy(() -> new StepType.Info<>("acme/x", null, Params.class, "1", List.of()))
        .hasMessage("step type acme/x needs a description (one line for kiln plugins)");
    assertThatThrownBy(() -> new StepType.Info<Params>("acme/x", "", null, "1", List.of()))
        .hasMessage("step type acme/x needs a params record type");
    assertThatThrownBy(() -> new StepType.Info<>("acme/x", "", Params.class, " ", List.of()))
        .hasMessage("step type acme/x needs a version (it is part of every cache key)");
  }
}
