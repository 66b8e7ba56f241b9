package dev.kiln.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The run store over JDBC: H2 embedded by default, PostgreSQL for teams. */
public final class JdbcRunStore implements RunStore {
  private final HikariDataSource dataSource;
  private final boolean embeddedH2;

  private JdbcRunStore(HikariDataSource dataSource, boolean embeddedH2) {
    this.dataSource = dataSource;
    this.embeddedH2 = embeddedH2;
  }

  /** Opens (and migrates) the embedded H2 database under {@code home}. */
  public static JdbcRunStore h2(Path home) {
    return h2(home, List.of(MIGRATIONS));
  }

  static final String MIGRATIONS = "classpath:db/migration";

  /** The newest migration under {@link #MIGRATIONS} (SchemaVersionTest holds it to the files). */
  static final int LATEST_MIGRATION = 4;

  /**
   * Opens the embedded store, shared with other Kiln processes on the same {@code KILN_HOME}: the
   * first to open it serves it to the others on 127.0.0.1 (H2's automatic mixed mode), and when it
   * exits another takes over. Creating and migrating the store is atomic for the user: a new or
   * migrated database is built under a temporary name and moved into place when Flyway has
   * finished, so a kill at any instant leaves either the old store or the new one (H2 runs DDL
   * outside transactions, so a migration applied in place could be left half done).
   */
  static JdbcRunStore h2(Path home, List<String> locations) {
    try {
      Files.createDirectories(home);
    } catch (java.io.IOException e) {
      throw new StoreException("cannot create " + home + ": " + e.getMessage(), e);
    }
    // the auto-server listens on the loopback interface only
    if (System.getProperty("h2.bindAddress") == null) System.setProperty("h2.bindAddress", "127.0.0.1");
    Path dir = home.toAbsolutePath();
    try (StoreLock lock = StoreLock.acquire(dir, StoreLock.STORE)) {
      H2Files.removeLeftovers(dir);
      if (!Files.exists(H2Files.database(dir, H2Files.NAME))) H2Files.create(dir, locations);
      JdbcRunStore store = shared(dir);
      if (pending(store.dataSource, locations)) {
        List<Long> owners = store.liveOwners();
        store.close();
        H2Files.migrateCopy(dir, locations, owners);
        store = shared(dir);
      }
      return store;
    }
  }

  /**
   * The embedded store in H2's automatic mixed mode, each physical connection opened under the
   * {@link StoreLock}. Opening is tried again while another process is taking over serving the
   * store (H2 then reports its lock file as in use or recently modified).
   */
  private static JdbcRunStore shared(Path dir) {
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL(H2Files.url(dir, H2Files.NAME, true));
    return Takeover.retrying(6, 300, Takeover::during, () -> {
      HikariConfig cfg = new HikariConfig();
      cfg.setDataSource(new LockedDataSource(h2, dir));
      return open(cfg, h2.getURL(), 4, List.of());
    });
  }

  /** Opens (and migrates) the database at a JDBC URL, e.g. {@code jdbc:postgresql://...}. */
  public static JdbcRunStore open(String url, String user, String password, int poolSize) {
    return open(url, user, password, poolSize, List.of(MIGRATIONS));
  }

  /** Opens the database at {@code url}; migrates it when {@code locations} is not empty. */
  static JdbcRunStore open(String url, String user, String password, int poolSize, List<String> locations) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    if (user != null) cfg.setUsername(user);
    if (password != null) cfg.setPassword(password);
    return open(cfg, url, poolSize, locations);
  }

  private static JdbcRunStore open(HikariConfig cfg, String url, int poolSize, List<String> locations) {
    cfg.setMaximumPoolSize(poolSize);
    cfg.setMinimumIdle(1);
    cfg.setPoolName("kiln-store");
    cfg.setInitializationFailTimeout(10_000);
    cfg.setConnectionTimeout(15_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(cfg);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open the run store at " + redact(url) + ": " + rootMessage(e), e);
    }
    if (!locations.isEmpty() && !current(ds, locations)) {
      try {
        migrate(ds, locations);
      } catch (RuntimeException e) {
        ds.close();
        throw new StoreException("cannot migrate the run store at " + redact(url) + ": " + rootMessage(e), e);
      }
    }
    return new JdbcRunStore(ds, url.startsWith("jdbc:h2:file:"));
  }

  static void migrate(DataSource ds, List<String> locations) {
    flyway(ds, locations).migrate();
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration config(DataSource ds, List<String> locations) {
    return Flyway.configure(JdbcRunStore.class.getClassLoader())
        .dataSource(ds)
        .locations(locations.toArray(String[]::new))
        .loggers("slf4j");
  }

  private static Flyway flyway(DataSource ds, List<String> locations) {
    return config(ds, locations).load();
  }

  /** The live processes of this machine that own a RUNNING run: who else may be using the store. */
  private List<Long> liveOwners() {
    try {
      return read("list running runs", c -> {
        List<Long> pids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT owner_pid FROM runs WHERE status = 'RUNNING' AND owner_pid IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long pid = rs.getLong(1);
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) pids.add(pid);
          }
        }
        return pids;
      });
    } catch (StoreException e) {
      return List.of(); // only used to name them in a message
    }
  }

  /**
   * True when the schema history says this Kiln's migrations are all applied and none failed: one
   * query, so opening a current store needs no Flyway (whose set-up, classpath scan and checksum
   * validation cost ~0.4 s of every command that opens the store). Anything else (no history
   * table yet, a failed or missing migration, other migration locations) is false, and Flyway
   * decides as before.
   */
  static boolean current(DataSource ds, List<String> locations) {
    if (!locations.equals(List.of(MIGRATIONS))) return false;
    try (Connection c = ds.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT \"version\", \"success\" FROM \"flyway_schema_history\"");
         ResultSet rs = ps.executeQuery()) {
      int newest = 0;
      while (rs.next()) {
        if (!rs.getBoolean(2)) return false;
        String v = rs.getString(1);
        if (v == null) continue; // a repeatable migration; Kiln has none
        try {
          newest = Math.max(newest, Integer.parseInt(v.trim()));
        } catch (NumberFormatException dotted) {
          return false; // not a version this Kiln writes: let Flyway judge it
        }
      }
      return newest >= LATEST_MIGRATION;
    } catch (SQLException e) {
      return false;
    }
  }

  /** True when the store lacks migrations that this Kiln has. */
  private static boolean pending(DataSource ds, List<String> locations) {
    if (current(ds, locations)) return false;
    try {
      return Takeover.retrying(6, 300, Takeover::during, () -> flyway(ds, locations).info().pending().length > 0);
    } catch (RuntimeException e) {
      throw new StoreException("cannot read the run store's schema version: " + rootMessage(e), e);
    }
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null) t = t.getCause();
    return t.getMessage();
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** A transaction whose effect must survive SIGKILL once this returns. */
  <T> T tx(String what, Work<T> work) {
    return tx(what, true, false, work);
  }

  <T> T read(String what, Work<T> work) {
    return tx(what, false, true, work);
  }

  /**
   * @param durable for embedded H2: checkpoint after the commit. H2 otherwise writes committed
   *     data in the background, and SIGKILL could lose the last second of it. Losing a RUNNING
   *     mark is harmless (the step runs again on resume), so only those skip it.
   * @param idempotent doing the work twice leaves what doing it once does (an update, an upsert):
   *     then even a commit whose outcome is unknown is done again
   */
  private <T> T tx(String what, boolean durable, boolean idempotent, Work<T> work) {
    // a transaction cut off before its commit by a change of the serving process did not take
    // effect, so it is done again once H2 has reconnected; a failed commit may have taken effect
    return Takeover.retrying(8, 150, e -> embeddedH2 && (idempotent || !(e instanceof CommitUnknown)) && e instanceof StoreException && Takeover.during(e.getCause()),
        () -> tx1(what, durable, work));
  }

  /** A commit that failed: it may or may not have taken effect, so it is done again only when idempotent. */
  private static final class CommitUnknown extends StoreException {
    private static final long serialVersionUID = 1L;

    CommitUnknown(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private <T> T tx1(String what, boolean durable, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T t = work.run(c);
        try {
          c.commit();
        } catch (SQLException e) {
          throw new CommitUnknown("run store: cannot " + what + ": the commit failed, and whether it took effect is unknown: " + e.getMessage(), e);
        }
        if (durable && embeddedH2) {
          try (var st = c.createStatement()) {
            st.execute("CHECKPOINT");
          } catch (SQLException e) {
            // committed; a serving process that is closing the store writes it out as it closes
            if (!Takeover.during(e)) throw new StoreException("run store: cannot checkpoint after " + what + ": " + e.getMessage(), e);
          }
        }
        return t;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException closed) {
          e.addSuppressed(closed);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("run store: cannot " + what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void createRun(RunRecord r) {
    tx("create run " + r.id(), true, true, c -> { // idempotent: a run already created with the same record is left as it is
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO runs (id, pipeline, pipeline_file, spec_source, spec_sha256, params_json, status, created_at, started_at, finished_at, error, owner_pid, owner_host, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0)")) {
        ps.setString(1, r.id());
        ps.setString(2, r.pipeline());
        ps.setString(3, r.pipelineFile());
        ps.setString(4, r.specSource());
        ps.setString(5, r.specSha256());
        ps.setString(6, r.paramsJson());
        ps.setString(7, r.status().name());
        ps.setLong(8, r.createdAt());
        setLong(ps, 9, r.startedAt());
        setLong(ps, 10, r.finishedAt());
        ps.setString(11, r.error());
        setLong(ps, 12, r.ownerPid());
        ps.setString(13, r.ownerHost());
        try {
          ps.executeUpdate();
        } catch (SQLException e) {
          RunRecord there = "23505".equals(e.getSQLState()) ? findRun(c, r.id()).orElse(null) : null;
          if (there == null || there.createdAt() != r.createdAt() || !there.specSha256().equals(r.specSha256())) throw e;
        }
      }
      return null;
    });
  }

  @Override
  public RunRecord claimRun(String runId, int expectedVersion, long pid, String host, long now) {
    // idempotent: done again (a commit whose outcome was unknown), the claim finds itself already made
    return tx("claim run " + runId, true, true, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE runs SET status = 'RUNNING', owner_pid = ?, owner_host = ?, started_at = COALESCE(started_at, ?), finished_at = NULL, error = NULL, version = version + 1 WHERE id = ? AND version = ?")) {
        ps.setLong(1, pid);
        ps.setString(2, host);
        ps.setLong(3, now);
        ps.setString(4, runId);
        ps.setInt(5, expectedVersion);
        if (ps.executeUpdate() != 1) {
          RunRecord now2 = findRun(c, runId).orElse(null);
          boolean ours = now2 != null && now2.status() == RunStatus.RUNNING && Long.valueOf(pid).equals(now2.ownerPid()) && host.equals(now2.ownerHost()) && now2.version() == expectedVersion + 1;
          if (ours) return now2;
          throw new StoreException("run " + runId + " was changed by another process while this one claimed it; check `kiln show " + runId + "` and try again");
        }
      }
      return findRun(c, runId).orElseThrow();
    });
  }

  @Override
  public void finishRun(String runId, RunStatus status, String error, long now) {
    tx("finish run " + runId, true, true, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE runs SET status = ?, error = ?, finished_at = ?, owner_pid = NULL, version = version + 1 WHERE id = ?")) {
        ps.setString(1, status.name());
        ps.setString(2, error);
        ps.setLong(3, now);
        ps.setString(4, runId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<RunRecord> findRun(String runId) {
    return read("read run " + runId, c -> findRun(c, runId));
  }

  private static final String RUN_COLUMNS = "id, pipeline, pipeline_file, spec_source, spec_sha256, params_json, status, created_at, started_at, finished_at, error, owner_pid, owner_host, version";

  private Optional<RunRecord> findRun(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(run(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public List<RunRecord> listRuns(int limit) {
    return read("list runs", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs ORDER BY created_at DESC, id DESC")) {
        ps.setMaxRows(limit);
        List<RunRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(run(rs));
        }
        return out;
      }
    });
  }

  private static RunRecord run(ResultSet rs) throws SQLException {
    return new RunRecord(
        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
        RunStatus.valueOf(rs.getString(7)), rs.getLong(8), getLong(rs, 9), getLong(rs, 10), rs.getString(11),
        getLong(rs, 12), rs.getString(13), rs.getInt(14));
  }

  @Override
  public void saveStepRun(StepRunRecord s) {
    tx("save step run " + s.runId() + "/" + s.stepKey(), s.status().isTerminal(), true, c -> {
      saveStepRun(c, s);
      return null;
    });
  }

  private static void saveStepRun(Connection c, StepRunRecord s) throws SQLException {
    try (PreparedStatement up = c.prepareStatement(
        "UPDATE step_runs SET step_id = ?, step_type = ?, status = ?, attempt = ?, cache_key = ?, cache_components = ?, started_at = ?, finished_at = ?, error = ?, outputs_json = ?, cached_from = ?, version = version + 1 WHERE run_id = ? AND step_key = ?")) {
      bindStep(up, s, 1);
      up.setString(12, s.runId());
      up.setString(13, s.stepKey());
      if (up.executeUpdate() == 1) return;
    }
    try (PreparedStatement in = c.prepareStatement(
        "INSERT INTO step_runs (step_id, step_type, status, attempt, cache_key, cache_components, started_at, finished_at, error, outputs_json, cached_from, run_id, step_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      bindStep(in, s, 1);
      in.setString(12, s.runId());
      in.setString(13, s.stepKey());
      in.executeUpdate();
    }
  }

  private static void bindStep(PreparedStatement ps, StepRunRecord s, int i) throws SQLException {
    ps.setString(i, s.stepId());
    ps.setString(i + 1, s.stepType());
    ps.setString(i + 2, s.status().name());
    ps.setInt(i + 3, s.attempt());
    ps.setString(i + 4, s.cacheKey());
    ps.setString(i + 5, s.cacheComponents());
    setLong(ps, i + 6, s.startedAt());
    setLong(ps, i + 7, s.finishedAt());
    ps.setString(i + 8, s.error());
    ps.setString(i + 9, s.outputsJson());
    ps.setString(i + 10, s.cachedFrom());
  }

  private static final String STEP_COLUMNS = "s.run_id, s.step_key, s.step_id, s.step_type, s.status, s.attempt, s.cache_key, s.cache_components, s.started_at, s.finished_at, s.error, s.outputs_json, s.cached_from";

  private static StepRunRecord step(ResultSet rs) throws SQLException {
    return new StepRunRecord(
        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), RunStatus.valueOf(rs.getString(5)),
        rs.getInt(6), rs.getString(7), rs.getString(8), getLong(rs, 9), getLong(rs, 10), rs.getString(11),
        rs.getString(12), rs.getString(13));
  }

  @Override
  public List<StepRunRecord> stepRuns(String runId) {
    return read("read step runs of " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + STEP_COLUMNS + " FROM step_runs s WHERE s.run_id = ? ORDER BY s.started_at, s.step_key")) {
        ps.setString(1, runId);
        return steps(ps);
      }
    });
  }

  private static List<StepRunRecord> steps(PreparedStatement ps) throws SQLException {
    List<StepRunRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(step(rs));
    }
    return out;
  }

  @Override
  public Optional<StepRunRecord> findByCacheKey(String cacheKey) {
    return read("look up the cache", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + STEP_COLUMNS + " FROM step_runs s WHERE s.cache_key = ? AND s.status = 'SUCCEEDED' ORDER BY s.finished_at DESC")) {
        ps.setString(1, cacheKey);
        ps.setMaxRows(1);
        return steps(ps).stream().findFirst();
      }
    });
  }

  @Override
  public Optional<StepRunRecord> previousStepRun(String pipeline, String stepKey, String runId) {
    return read("read the previous step run", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + STEP_COLUMNS + " FROM step_runs s JOIN runs r ON r.id = s.run_id WHERE r.pipeline = ? AND s.step_key = ? AND s.cache_key IS NOT NULL"
              + " AND r.created_at < (SELECT created_at FROM runs WHERE id = ?) ORDER BY r.created_at DESC")) {
        ps.setString(1, pipeline);
        ps.setString(2, stepKey);
        ps.setString(3, runId);
        ps.setMaxRows(1);
        return steps(ps).stream().findFirst();
      }
    });
  }

  @Override
  public void completeStep(StepRunRecord s, List<ArtifactRecord> artifacts, List<LineageEdge> lineage, List<MetricRecord> metrics) {
    tx("record the end of step " + s.runId() + "/" + s.stepKey(), true, true, c -> { // every part is an upsert
      for (ArtifactRecord a : artifacts) insertArtifact(c, a.sha256(), a.size(), a.mediaType(), a.createdAt());
      saveStepRun(c, s);
      insertLineage(c, lineage);
      insertMetrics(c, metrics);
      return null;
    });
  }

  @Override
  public void recordArtifact(String sha256, long size, String mediaType, long now) {
    tx("record artifact " + sha256, c -> {
      insertArtifact(c, sha256, size, mediaType, now);
      return null;
    });
  }

  private static void insertArtifact(Connection c, String sha256, long size, String mediaType, long now) throws SQLException {
    try (PreparedStatement sel = c.prepareStatement("SELECT 1 FROM artifacts WHERE sha256 = ?")) {
      sel.setString(1, sha256);
      try (ResultSet rs = sel.executeQuery()) {
        if (rs.next()) return;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO artifacts (sha256, size, media_type, created_at) VALUES (?,?,?,?)")) {
      ps.setString(1, sha256);
      ps.setLong(2, size);
      ps.setString(3, mediaType);
      ps.setLong(4, now);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) throw e; // a concurrent writer recorded it first
    }
  }

  @Override
  public void recordLineage(List<LineageEdge> edges) {
    if (edges.isEmpty()) return;
    tx("record lineage", c -> {
      insertLineage(c, edges);
      return null;
    });
  }

  private static void insertLineage(Connection c, List<LineageEdge> edges) throws SQLException {
    if (edges.isEmpty()) return;
    try (PreparedStatement del = c.prepareStatement("DELETE FROM lineage WHERE run_id = ? AND step_key = ? AND direction = ? AND name = ?");
        PreparedStatement ps = c.prepareStatement("INSERT INTO lineage (run_id, step_key, direction, name, sha256) VALUES (?,?,?,?,?)")) {
      for (LineageEdge e : edges) {
        del.setString(1, e.runId());
        del.setString(2, e.stepKey());
        del.setString(3, e.direction());
        del.setString(4, e.name());
        del.executeUpdate();
        ps.setString(1, e.runId());
        ps.setString(2, e.stepKey());
        ps.setString(3, e.direction());
        ps.setString(4, e.name());
        ps.setString(5, e.sha256());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public List<LineageEdge> lineage(String runId) {
    return read("read lineage", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT run_id, step_key, direction, name, sha256 FROM lineage WHERE run_id = ? ORDER BY step_key, direction, name")) {
        ps.setString(1, runId);
        List<LineageEdge> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new LineageEdge(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
        }
        return out;
      }
    });
  }

  @Override
  public void recordMetrics(List<MetricRecord> metrics) {
    if (metrics.isEmpty()) return;
    tx("record metrics", true, true, c -> {
      insertMetrics(c, metrics);
      return null;
    });
  }

  /**
   * Inserts a step attempt's metric points once: points of the same step recorded in the same span
   * of time (this transaction, done again after a commit whose outcome was unknown) are replaced,
   * not doubled. An attempt's points are recorded in one transaction, so no other write has points
   * of that step in that span.
   */
  private static void insertMetrics(Connection c, List<MetricRecord> metrics) throws SQLException {
    if (metrics.isEmpty()) return;
    java.util.Map<String, long[]> spans = new java.util.LinkedHashMap<>(); // run \0 step -> {min, max} recorded_at
    for (MetricRecord m : metrics) {
      long[] span = spans.computeIfAbsent(m.runId() + "\0" + m.stepKey(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      span[0] = Math.min(span[0], m.recordedAt());
      span[1] = Math.max(span[1], m.recordedAt());
    }
    try (PreparedStatement del = c.prepareStatement("DELETE FROM metrics WHERE run_id = ? AND step_key = ? AND recorded_at BETWEEN ? AND ?")) {
      for (var e : spans.entrySet()) {
        String[] key = e.getKey().split("\0", 2);
        del.setString(1, key[0]);
        del.setString(2, key[1]);
        del.setLong(3, e.getValue()[0]);
        del.setLong(4, e.getValue()[1]);
        del.addBatch();
      }
      del.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO metrics (run_id, step_key, name, step, val, recorded_at) VALUES (?,?,?,?,?,?)")) {
      for (MetricRecord m : metrics) {
        ps.setString(1, m.runId());
        ps.setString(2, m.stepKey());
        ps.setString(3, m.name());
        ps.setLong(4, m.step());
        ps.setDouble(5, m.value());
        ps.setLong(6, m.recordedAt());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public List<MetricRecord> metrics(String runId) {
    return read("read metrics", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT run_id, step_key, name, step, val, recorded_at FROM metrics WHERE run_id = ? ORDER BY step_key, name, step")) {
        ps.setString(1, runId);
        List<MetricRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new MetricRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5), rs.getLong(6)));
        }
        return out;
      }
    });
  }

  @Override
  public List<MetricRecord> metrics(String runId, String stepKey) {
    return read("read metrics", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT run_id, step_key, name, step, val, recorded_at FROM metrics WHERE run_id = ? AND step_key = ? ORDER BY name, step")) {
        ps.setString(1, runId);
        ps.setString(2, stepKey);
        List<MetricRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new MetricRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5), rs.getLong(6)));
        }
        return out;
      }
    });
  }

  @Override
  public void saveState(String runId, String stepKey, String name, String value, long now) {
    tx("save the state of step " + runId + "/" + stepKey, true, true, c -> {
      try (PreparedStatement up = c.prepareStatement("UPDATE step_state SET val = ?, updated_at = ? WHERE run_id = ? AND step_key = ? AND name = ?")) {
        up.setString(1, value);
        up.setLong(2, now);
        up.setString(3, runId);
        up.setString(4, stepKey);
        up.setString(5, name);
        if (up.executeUpdate() == 1) return null;
      }
      try (PreparedStatement in = c.prepareStatement("INSERT INTO step_state (run_id, step_key, name, val, updated_at) VALUES (?,?,?,?,?)")) {
        in.setString(1, runId);
        in.setString(2, stepKey);
        in.setString(3, name);
        in.setString(4, value);
        in.setLong(5, now);
        in.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public java.util.Map<String, String> state(String runId, String stepKey) {
    return read("read the state of step " + runId + "/" + stepKey, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name, val FROM step_state WHERE run_id = ? AND step_key = ? ORDER BY name")) {
        ps.setString(1, runId);
        ps.setString(2, stepKey);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
      }
    });
  }

  @Override
  public void recordDataVersion(DataVersionRecord v) {
    tx("record the data version of " + v.path() + " in run " + v.runId(), c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM data_versions WHERE run_id = ? AND path = ?")) {
        del.setString(1, v.runId());
        del.setString(2, v.path());
        del.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO data_versions (run_id, path, system, hash, size, source, descriptor, modified, sha256, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, v.runId());
        ps.setString(2, v.path());
        ps.setString(3, v.system());
        ps.setString(4, v.hash());
        ps.setLong(5, v.size());
        ps.setString(6, v.source());
        ps.setString(7, v.descriptor());
        ps.setBoolean(8, v.modified());
        ps.setString(9, v.sha256());
        ps.setLong(10, v.recordedAt());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<DataVersionRecord> dataVersions(String runId) {
    return read("read the data versions of run " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT run_id, path, system, hash, size, source, descriptor, modified, sha256, recorded_at FROM data_versions WHERE run_id = ? ORDER BY path")) {
        ps.setString(1, runId);
        List<DataVersionRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new DataVersionRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6), rs.getString(7), rs.getBoolean(8), rs.getString(9), rs.getLong(10)));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Optional<String> sha256OfDataVersion(String system, String hash) {
    return read("look up data version " + hash, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM data_versions WHERE system = ? AND hash = ? AND modified = FALSE ORDER BY recorded_at DESC")) {
        ps.setString(1, system);
        ps.setString(2, hash);
        ps.setMaxRows(1);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  @Override
  public ModelRegistry models() {
    return new JdbcModelRegistry(this);
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) ps.setNull(i, Types.BIGINT);
    else ps.setLong(i, v);
  }

  private static Long getLong(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }
}
