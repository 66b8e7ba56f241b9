package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (SIGKILL) at any instant while it creates or migrates the embedded store never
 * leaves a store that later commands cannot open. Before the store was built under a temporary
 * name, about 2% of such kills left "Table RUNS already exists" for every later command; 200
 * kills catch a 2% failure with probability 0.98.
 */
class StoreKillIT {
  static final List<String> WITH_V5 = List.of(JdbcRunStore.MIGRATIONS, "classpath:db/testmigration");

  /** The child process: opens (creating or migrating) the store, then exits. */
  public static void main(String[] args) {
    if (args[1].equals("pg")) {
      try (JdbcRunStore s = JdbcRunStore.open(args[0], null, null, 2, WITH_V5)) {
        s.listRuns(1);
      }
      return;
    }
    if (args[1].equals("hold")) { // a Kiln process with a live run, holding the store
      try (JdbcRunStore s = JdbcRunStore.h2(Path.of(args[0]))) {
        s.createRun(new RunRecord("20261202-000000-cccccc", "p", "p.yaml", "name: p", "0".repeat(64), "{}", RunStatus.RUNNING, 1000, 1000L, null, null, ProcessHandle.current().pid(), "localhost", 0));
        System.out.println("holding");
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    List<String> locations = args[1].equals("v5") ? WITH_V5 : List.of(JdbcRunStore.MIGRATIONS);
    try (JdbcRunStore s = JdbcRunStore.h2(Path.of(args[0]), locations)) {
      s.listRuns(1);
    }
  }

  @TempDir Path tmp;

  @Test
  void aKillWhileTheStoreIsCreatedLeavesAStoreTheNextCommandOpens() throws Exception {
    twoAtATime(150, i -> {
      Path home = tmp.resolve("create-" + i);
      killDuring(home, "base", 1800, i);
      try (JdbcRunStore s = JdbcRunStore.h2(home)) {
        assertThat(s.listRuns(10)).as("kill %d", i).isEmpty();
      }
    });
  }

  @Test
  void aKillWhileALaterMigrationRunsLeavesTheStoreAndItsRuns() throws Exception {
    Path populated = tmp.resolve("populated");
    try (JdbcRunStore s = JdbcRunStore.h2(populated)) {
      s.createRun(new RunRecord("20261202-000000-aaaaaa", "p", "p.yaml", "name: p", "0".repeat(64), "{}", RunStatus.SUCCEEDED, 1000, 1000L, 2000L, null, null, null, 0));
    }
    twoAtATime(50, i -> {
      Path home = tmp.resolve("migrate-" + i);
      copy(populated, home);
      killDuring(home, "v5", 1200, i);
      try (JdbcRunStore s = JdbcRunStore.h2(home, WITH_V5)) {
        assertThat(s.listRuns(10)).as("kill %d", i).hasSize(1);
      }
    });
  }

  @Test
  void aMigrationWhileAnotherProcessHoldsTheStoreNamesItAndChangesNothing() throws Exception {
    Path home = tmp.resolve("held");
    Files.createDirectories(home);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"), StoreKillIT.class.getName(), home.toString(), "hold")
        .redirectErrorStream(true).start();
    try {
      var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      for (String line = out.readLine(); line != null && !line.equals("holding"); line = out.readLine()) {
        // Flyway's log lines
      }
      assertThat(p.isAlive()).isTrue();
      StoreException.Damaged e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.Damaged.class, () -> JdbcRunStore.h2(home, WITH_V5));
      assertThat(e.getMessage()).isEqualTo("another Kiln process (pid " + p.pid() + ") is using " + home.toAbsolutePath() + ", and the run store must be migrated to this Kiln's schema first");
      assertThat(e.hint()).isEqualTo("let the other process finish (or stop it), then run this command again");
      try (JdbcRunStore s = JdbcRunStore.h2(home)) { // without the new migration it is shared as usual
        assertThat(s.listRuns(10)).hasSize(1);
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * PostgreSQL runs each migration in a transaction, so a kill rolls it back: the same later
   * migration, killed at random instants of the child's life, on copies of a populated database.
   */
  @Test
  void onPostgresqlAKillDuringALaterMigrationLeavesTheStoreAndItsRuns() throws Exception {
    String admin = PostgresRunStoreIT.url();
    try (JdbcRunStore s = JdbcRunStore.open(database(admin, "kiln_kill_base", null), null, null, 2)) {
      s.createRun(new RunRecord("20261202-000000-bbbbbb", "p", "p.yaml", "name: p", "0".repeat(64), "{}", RunStatus.SUCCEEDED, 1000, 1000L, 2000L, null, null, null, 0));
    }
    for (int i = 0; i < 30; i++) {
      String url = database(admin, "kiln_kill_" + i, "kiln_kill_base");
      List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), StoreKillIT.class.getName(), url, "pg");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Thread.sleep(300 + new Random(20261202L * 17 + i).nextInt(1700));
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      try (JdbcRunStore s = JdbcRunStore.open(url, null, null, 2, WITH_V5)) {
        assertThat(s.listRuns(10)).as("kill %d", i).hasSize(1);
      }
    }
  }

  /** A new database (a copy of {@code template} when given) on the test server; its JDBC URL. */
  private static String database(String adminUrl, String name, String template) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(adminUrl); java.sql.Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name);
      st.execute("CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template));
    }
    return adminUrl.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
  }

  interface Trial {
    void run(int i) throws Exception;
  }

  /** Runs the trials on two threads (the machine has two cores; a trial mostly waits). */
  private static void twoAtATime(int trials, Trial trial) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int i = 0; i < trials; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          trial.run(n);
          return null;
        }));
      }
      for (var f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Exception x) throw x;
          throw (Error) e.getCause();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Starts the child and kills it at a random instant after the store's files appear. */
  private static void killDuring(Path home, String mode, int maxDelayMillis, int trial) throws IOException, InterruptedException {
    Files.createDirectories(home);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), StoreKillIT.class.getName(), home.toString(), mode));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Path marker = home.resolve(mode.equals("v5") ? "kiln-new.mv.db" : "store.lock");
    while (p.isAlive() && !Files.exists(marker) && System.nanoTime() < deadline) Thread.sleep(5);
    Thread.sleep(new Random(20261202L * 31 + trial).nextInt(maxDelayMillis)); // the same instants in every run
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".mv.db")).toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
  }
}
