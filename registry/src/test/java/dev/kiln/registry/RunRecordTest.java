package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunRecordTest {
  @Test
  void aPendingRunIsOwnedByNoProcessAndHasNotStarted() {
    RunRecord r = RunRecord.pending("r1", "p", "p.yaml", "name: p", "0".repeat(64), "{}", 1000);
    assertThat(r).isEqualTo(new RunRecord("r1", "p", "p.yaml", "name: p", "0".repeat(64), "{}", RunStatus.PENDING, 1000, null, null, null, null, null, 0));
  }
}
