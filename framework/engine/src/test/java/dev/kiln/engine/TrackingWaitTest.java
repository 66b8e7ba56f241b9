package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingWaitTest {
  @Test
  void aWaitThatIsNotANumberIsSaidAndTheDefaultUsed() {
    List<String> lines = new ArrayList<>();
    assertThat(Engine.trackingWait(Map.of(), lines::add)).isEqualTo(15_000);
    assertThat(Engine.trackingWait(Map.of("KILN_TRACKING_WAIT_MS", " 1500 "), lines::add)).isEqualTo(1500);
    assertThat(lines).isEmpty();
    assertThat(Engine.trackingWait(Map.of("KILN_TRACKING_WAIT_MS", "15s"), lines::add)).isEqualTo(15_000);
    assertThat(Engine.trackingWait(Map.of("KILN_TRACKING_WAIT_MS", "-1"), lines::add)).isEqualTo(15_000);
    assertThat(lines).hasSize(2).allMatch(l -> l.contains("not a number of milliseconds"));
  }
}
