package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TakeoverTest {
  @Test
  void recognisesH2sErrorsWhileTheServingProcessChangesAnywhereInTheCauses() {
    assertThat(Takeover.during(new StoreException("x", new SQLException("closed", "90121", 90121)))).isTrue();
    assertThat(Takeover.during(new RuntimeException(new StoreException("x", new SQLException("lock", "HY000", 8000))))).isTrue();
    assertThat(Takeover.during(new java.sql.SQLTransientConnectionException("no connection in time"))).isTrue();
    assertThat(Takeover.during(new StoreException("x", new SQLException("duplicate key", "23505", 23505)))).isFalse();
    assertThat(Takeover.during(new IllegalStateException("other"))).isFalse();
    assertThat(Takeover.during(new StoreException("x", new SQLException("Error opening database: No space left on device", "HY000", 8000)))).isFalse();
  }

  @Test
  void triesAgainOnlyWhatItAcceptsAndAtMostTheGivenTimes() {
    AtomicInteger calls = new AtomicInteger();
    assertThat(Takeover.retrying(5, 1, e -> true, () -> calls.incrementAndGet() < 3 ? fail() : "done")).isEqualTo("done");
    assertThat(calls.get()).isEqualTo(3);
    calls.set(0);
    assertThatThrownBy(() -> Takeover.retrying(4, 1, e -> true, () -> {
      calls.incrementAndGet();
      return fail();
    })).hasMessage("busy");
    assertThat(calls.get()).isEqualTo(4);
    calls.set(0);
    assertThatThrownBy(() -> Takeover.retrying(4, 1, e -> false, () -> {
      calls.incrementAndGet();
      return fail();
    })).hasMessage("busy");
    assertThat(calls.get()).isEqualTo(1);
  }

  private static String fail() {
    throw new StoreException("busy");
  }
}
