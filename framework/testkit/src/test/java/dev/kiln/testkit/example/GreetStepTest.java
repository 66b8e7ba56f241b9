package dev.kiln.testkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.kiln.api.StepType;
import dev.kiln.testkit.GoldenFile;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test of the "Writing a plugin" guide (plugins/README.md). */
class GreetStepTest {
  @TempDir Path dir;

  @Test
  void greetsAsManyTimesAsAsked() throws Exception {
    StepOutcome out = StepHarness.of(new GreetStep(), dir).run("""
        who: Ada
        times: 2
        """).assertSucceeded();
    assertThat(out.value("greeting")).isEqualTo("hello Ada! hello Ada!");
    assertThat(Files.readString(out.open("card"))).isEqualTo("hello Ada! hello Ada!\n");
    assertThat(out.metrics()).containsEntry("length", 21.0);
    assertThat(out.logs()).containsExactly("greeting Ada");
    GoldenFile.at(Path.of("src/test/resources/golden/greet.txt")).assertMatches(out.outputsText());
  }

  @Test
  void anUnknownGreetingIsReportedAsKilnValidateWould() {
    assertThat(StepHarness.of(new GreetStep(), dir).check("who: Ada\nword: howdy"))
        .extracting(ParamProblem::format)
        .containsExactly("with.yaml:2:7: error[E123]: steps.step.with.word: unknown greeting \"howdy\"\n  hint: valid: hello, hi, hey");
  }

  @Test
  void theStepIsRegisteredUnderItsName() {
    Map<String, StepType<?>> steps = Guice.createInjector(new AcmePlugin()).getInstance(Key.get(new TypeLiteral<Map<String, StepType<?>>>() {}));
    assertThat(steps).containsOnlyKeys("acme/greet");
  }
}
