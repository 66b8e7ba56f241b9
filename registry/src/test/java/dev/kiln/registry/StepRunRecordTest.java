package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepRunRecordTest {
  private final StepRunRecord running = StepRunRecord.of("r1", "train[0]", "train", "kiln/command").started(2, 100L).keyed("ck", "{\"step\":\"kiln/command\"}");

  @Test
  void aNewInstanceIsPendingWithNothingElseKnown() {
    StepRunRecord r = StepRunRecord.of("r1", "train[0]", "train", "kiln/command");
    assertThat(r).isEqualTo(new StepRunRecord("r1", "train[0]", "train", "kiln/command", RunStatus.PENDING, 0, null, null, null, null, null, null, null));
  }

  @Test
  void startingAndKeyingKeepTheIdentityAndMarkItRunning() {
    assertThat(running).isEqualTo(new StepRunRecord("r1", "train[0]", "train", "kiln/command", RunStatus.RUNNING, 2, "ck", "{\"step\":\"kiln/command\"}", 100L, null, null, null, null));
    assertThat(running.durationMillis()).isNull();
  }

  @Test
  void succeededHasOutputsAndADuration() {
    StepRunRecord r = running.succeeded("{\"x\":{\"value\":1}}", 150);
    assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(r.outputsJson()).isEqualTo("{\"x\":{\"value\":1}}");
    assertThat(r.durationMillis()).isEqualTo(50L);
    assertThat(r.error()).isNull();
    assertThat(r.cacheKey()).isEqualTo("ck");
  }

  @Test
  void cachedReusesTheOutputsOfTheRunItNames() {
    StepRunRecord earlier = StepRunRecord.of("r0", "train[0]", "train", "kiln/command").started(1, 10L).keyed("ck", "{}").succeeded("{\"m\":{\"value\":true}}", 20);
    StepRunRecord r = running.cached(earlier, 101);
    assertThat(r.status()).isEqualTo(RunStatus.CACHED);
    assertThat(r.outputsJson()).isEqualTo("{\"m\":{\"value\":true}}");
    assertThat(r.cachedFrom()).isEqualTo("r0");
    assertThat(r.runId()).isEqualTo("r1");
    assertThat(r.finishedAt()).isEqualTo(101L);
  }

  @Test
  void endedWithoutOutputsKeepsTheReasonAndDropsAnyOutputs() {
    StepRunRecord r = running.succeeded("{}", 150).ended(RunStatus.FAILED, 160, "exit 1");
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.error()).isEqualTo("exit 1");
    assertThat(r.outputsJson()).isNull();
    assertThat(r.attempt()).isEqualTo(2);
    assertThat(r.finishedAt()).isEqualTo(160L);
  }
}
