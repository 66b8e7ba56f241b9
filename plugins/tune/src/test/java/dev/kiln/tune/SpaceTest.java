package dev.kiln.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.InvalidParamException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpaceTest {

  private static InvalidParamException error(Map<String, Object> space) {
    try {
      Space.parse(space, "space");
    } catch (InvalidParamException e) {
      return e;
    }
    throw new AssertionError("no error for " + space);
  }

  @Test
  void namesTheOffendingDefinition() {
    assertThat(error(Map.of("eta", Map.of("float", List.of(0.3, 0.01)))).param()).isEqualTo("space.eta.float");
    assertThat(error(Map.of("eta", Map.of("float", List.of(0.3, 0.01)))).getMessage()).contains("low must be < high, found [0.3, 0.01]");
    assertThat(error(Map.of("c", Map.of("float", List.of(0.0, 1.0), "log", true))).getMessage()).contains("a log range needs low > 0");
    assertThat(error(Map.of("n", Map.of("int", List.of(1.5, 4)))).getMessage()).contains("int: bounds must be integers");
    assertThat(error(Map.of("n", Map.of("int", List.of(1, 4), "stepp", 2))).param()).isEqualTo("space.n.stepp");
    assertThat(error(Map.of("a", Map.of("choice", Map.of("x", Map.of("d", Map.of("int", List.of(3, 3))))))).param()).isEqualTo("space.a.choice.x.d.int");
    assertThat(error(Map.of("a", 3)).getMessage()).contains("a parameter is a mapping");
  }

  @Test
  void mapsValuesBetweenTheirScalesAndTheUnitInterval() {
    Space s = Space.parse(Map.of("lr", Map.of("float", List.of(1e-4, 1.0), "log", true), "n", Map.of("int", List.of(10, 100), "step", 10)), "space");
    Space.Num lr = (Space.Num) s.dims().stream().filter(d -> d.name().equals("lr")).findFirst().orElseThrow();
    Space.Num n = (Space.Num) s.dims().stream().filter(d -> d.name().equals("n")).findFirst().orElseThrow();
    assertThat(lr.toUnit(1e-2)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(n.fromUnit(0.51)).isEqualTo(60L);
    assertThat(n.values()).hasSize(10);
  }
}
