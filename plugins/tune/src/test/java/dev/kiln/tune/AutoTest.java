package dev.kiln.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What sampler: auto proposes with. */
class AutoTest {

  private static List<Trial> finished(int n) {
    List<Trial> h = new ArrayList<>();
    for (int i = 0; i < n; i++) h.add(new Trial(i, Map.of(), Trial.State.COMPLETE, 1.0, null, 0, false, null));
    return h;
  }

  @Test
  void theGpForSmallNumericSpacesUntilItsTrialLimitThenTpe() {
    Space numeric = Functions.box(5, 0, 1);
    assertThat(Auto.choice(numeric, finished(0))).isEqualTo("gp");
    assertThat(Auto.choice(numeric, finished(Auto.GP_MAX_TRIALS - 1))).isEqualTo("gp");
    assertThat(Auto.choice(numeric, finished(Auto.GP_MAX_TRIALS))).isEqualTo("tpe");
    List<Trial> running = finished(Auto.GP_MAX_TRIALS - 1);
    running.add(Trial.running(Auto.GP_MAX_TRIALS, Map.of()));
    assertThat(Auto.choice(numeric, running)).as("running trials do not count").isEqualTo("gp");
    assertThat(Auto.choice(Functions.box(Auto.GP_MAX_DIMS, 0, 1), finished(20))).isEqualTo("gp");
    assertThat(Auto.choice(Functions.box(Auto.GP_MAX_DIMS + 1, 0, 1), finished(20))).isEqualTo("tpe");
    assertThat(Auto.describe(numeric, 100)).startsWith("auto: Gaussian process");
    assertThat(Auto.describe(numeric, 1000)).isEqualTo("auto: Gaussian process for the first " + Auto.GP_MAX_TRIALS + " trials, then TPE");
  }

  @Test
  void tpeForIntStepCategoricalAndConditionalSpaces() {
    Map<String, Object> ints = new LinkedHashMap<>();
    ints.put("x", Map.of("float", List.of(0.0, 1.0), "log", false));
    ints.put("eta", Map.of("float", List.of(0.01, 1.0), "log", true));
    assertThat(Auto.choice(Space.parse(ints, "space"), finished(20))).as("log floats are continuous").isEqualTo("gp");
    ints.put("depth", Map.of("int", List.of(1, 10)));
    assertThat(Auto.choice(Space.parse(ints, "space"), finished(20))).isEqualTo("tpe");
    assertThat(Auto.describe(Space.parse(ints, "space"), 50)).isEqualTo("auto: TPE (the space has an int or step parameter)");
    ints.remove("depth");
    ints.put("rate", Map.of("float", List.of(0.0, 1.0), "step", 0.1));
    assertThat(Auto.choice(Space.parse(ints, "space"), finished(20))).isEqualTo("tpe");
    Map<String, Object> cat = new LinkedHashMap<>();
    cat.put("x", Map.of("float", List.of(0.0, 1.0)));
    cat.put("kind", Map.of("choice", List.of("a", "b")));
    assertThat(Auto.choice(Space.parse(cat, "space"), finished(20))).isEqualTo("tpe");
    assertThat(Auto.describe(Space.parse(cat, "space"), 50)).isEqualTo("auto: TPE (the space has a categorical parameter)");
    Map<String, Object> cond = new LinkedHashMap<>();
    cond.put("algorithm", Map.of("choice", Map.of("knn", Map.of("k", Map.of("int", List.of(1, 30))), "nb", Map.of())));
    assertThat(Auto.choice(Space.parse(cond, "space"), finished(20))).isEqualTo("tpe");
    assertThat(Auto.describe(Space.parse(cond, "space"), 50)).isEqualTo("auto: TPE (the space is conditional)");
  }
}
