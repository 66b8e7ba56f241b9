package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the model registry must do; run against H2 and against a real PostgreSQL. */
abstract class ModelRegistryContract {
  RunStore store;
  ModelRegistry registry;
  String run;
  final Actor alice = new Actor("alice", "alice@laptop", "abc123");

  abstract RunStore open() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = open();
    registry = store.models();
    run = "r-" + UUID.randomUUID();
    store.createRun(RunStoreContract.newRun(run, "churn", 1000));
  }

  @AfterEach
  void tearDown() {
    if (store != null) store.close();
  }

  /** A model name no other test (or earlier run against the same PostgreSQL) used. */
  static String name() {
    return "m-" + UUID.randomUUID().toString().substring(0, 8);
  }

  String artifact(int i) {
    String sha = String.format("%064x", (long) i * 7919 + Math.abs(run.hashCode()));
    store.recordArtifact(sha, 100 + i, "application/vnd.kiln.model+zip", 1000);
    return sha;
  }

  ModelVersion register(String model, String sha) {
    return registry.register(new ModelRegistry.NewVersion(model, sha, "application/vnd.kiln.model+zip", run, "train", "churn", "abc123",
        "{\"data/churn.csv\":\"dvc:md5:00\"}", "{\"auc\":0.9}", "{\"name\":\"x\"}", null), alice, 2000);
  }

  @Test
  void registersNumberedVersionsWithLineageAndAuditsThem() {
    String m = name();
    ModelVersion v1 = register(m, artifact(1));
    ModelVersion v2 = register(m, artifact(2));
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(register(m, artifact(1))).as("the same artifact is the same version").isEqualTo(v1);
    ModelVersion read = registry.version(m, 2).orElseThrow();
    assertThat(read.runId()).isEqualTo(run);
    assertThat(read.gitCommit()).isEqualTo("abc123");
    assertThat(read.dataJson()).contains("dvc:md5:00");
    assertThat(registry.versions(m)).extracting(ModelVersion::version).containsExactly(1, 2);
    assertThat(registry.models()).contains(m);
    assertThat(registry.history(m)).extracting(AuditEntry::action, AuditEntry::version).containsExactly(
        org.assertj.core.groups.Tuple.tuple("register", 1), org.assertj.core.groups.Tuple.tuple("register", 2));
  }

  @Test
  void promotesOnlyABlessedVersionUnlessForcedWithAReason() {
    String m = name();
    String a1 = artifact(1);
    String a2 = artifact(2);
    register(m, a1);
    register(m, a2);
    assertThatThrownBy(() -> registry.promote(m, 1, "champion", alice, null, false, 3000))
        .isInstanceOf(PromotionRefused.class).hasMessageContaining("never validated");
    registry.bless(m, a1, false, "{\"auc\":{\"passed\":false}}", null, run, "validate", 2500);
    assertThatThrownBy(() -> registry.promote(m, 1, "champion", alice, null, false, 3000))
        .isInstanceOf(PromotionRefused.class).hasMessageContaining("did not pass validation");
    assertThatThrownBy(() -> registry.promote(m, 1, "champion", alice, " ", true, 3000))
        .isInstanceOf(PromotionRefused.class).hasMessageContaining("needs a reason");
    assertThatThrownBy(() -> registry.promote(m, 9, "champion", alice, null, false, 3000))
        .isInstanceOf(PromotionRefused.class).hasMessageContaining("no version 9");
    assertThat(registry.aliases(m)).isEmpty();

    registry.bless(m, a2, true, "{}", null, run, "validate", 2600);
    Promotion p = registry.promote(m, 2, "champion", alice, null, false, 3000);
    assertThat(p.fromVersion()).isNull();
    assertThat(registry.byAlias(m, "champion").orElseThrow().version()).isEqualTo(2);

    Promotion forced = registry.promote(m, 1, "champion", new Actor("bob", "https://ci/job/7", "def"), "hotfix rollback", true, 4000);
    assertThat(forced.fromVersion()).isEqualTo(2);
    assertThat(registry.aliases(m)).containsExactly(java.util.Map.entry("champion", 1));
    AuditEntry last = registry.history(m).get(registry.history(m).size() - 1);
    assertThat(last).extracting(AuditEntry::action, AuditEntry::alias, AuditEntry::version, AuditEntry::fromVersion, AuditEntry::actor, AuditEntry::origin, AuditEntry::reason, AuditEntry::forced)
        .containsExactly("promote", "champion", 1, 2, "bob", "https://ci/job/7", "hotfix rollback", true);

    AuditEntry demoted = registry.demote(m, "champion", alice, "retired", 5000);
    assertThat(demoted.fromVersion()).isEqualTo(1);
    assertThat(registry.byAlias(m, "champion")).isEmpty();
    assertThatThrownBy(() -> registry.demote(m, "champion", alice, null, 5000)).isInstanceOf(PromotionRefused.class);
  }

  @Test
  void twentyConcurrentPromotionsLeaveOneChampionAndAnUnbrokenAuditChain() throws Exception {
    String m = name();
    int n = 20;
    for (int i = 1; i <= n; i++) {
      String a = artifact(i);
      register(m, a);
      registry.bless(m, a, true, "{}", null, run, "validate", 2500);
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Promotion>> done = new ArrayList<>();
    try {
      for (int i = 1; i <= n; i++) {
        int version = i;
        done.add(pool.submit(() -> {
          go.await();
          return registry.promote(m, version, "champion", new Actor("ci-" + version, "https://ci/build/" + version, null), null, false, 3000 + version);
        }));
      }
      go.countDown();
      for (Future<Promotion> f : done) f.get();
    } finally {
      pool.shutdownNow();
    }
    List<AuditEntry> promotions = registry.history(m).stream().filter(e -> e.action().equals("promote")).toList();
    assertThat(promotions).hasSize(n);
    assertThat(promotions).extracting(AuditEntry::version).doesNotHaveDuplicates();
    assertThat(promotions.get(0).fromVersion()).isNull();
    for (int i = 1; i < n; i++) {
      assertThat(promotions.get(i).fromVersion()).as("entry %d moved the alias from where entry %d left it", i, i - 1).isEqualTo(promotions.get(i - 1).version());
    }
    assertThat(registry.aliases(m)).hasSize(1).containsEntry("champion", promotions.get(n - 1).version());
  }
}
