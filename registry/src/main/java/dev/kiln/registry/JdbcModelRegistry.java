package dev.kiln.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The model registry over the run store's JDBC connection pool. */
final class JdbcModelRegistry implements ModelRegistry {
  private static final String VERSION_COLUMNS =
      "model, version, artifact_sha256, media_type, run_id, step_key, pipeline, git_commit, data_json, metrics_json, card_json, description, mirror_version, created_by, created_at";
  private static final String BLESSING_COLUMNS = "id, model, artifact_sha256, blessed, checks_json, champion_version, run_id, step_key, created_at";
  private static final String AUDIT_COLUMNS = "id, model, action, alias, version, from_version, actor, origin, git_commit, reason, forced, at";

  private final JdbcRunStore db;

  JdbcModelRegistry(JdbcRunStore db) {
    this.db = db;
  }

  /**
   * Creates the model row if missing (its own transaction: two first registrations of one name
   * race on the primary key, and the loser just finds the row).
   */
  private void ensureModel(String model, long now) {
    if (exists(model)) return;
    try {
      db.tx("create model " + model, c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO registered_models (name, created_at) VALUES (?, ?)")) {
          ps.setString(1, model);
          ps.setLong(2, now);
          ps.executeUpdate();
        }
        return null;
      });
    } catch (StoreException e) {
      if (!exists(model)) throw e;
    }
  }

  private boolean exists(String model) {
    return db.read("read model " + model, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM registered_models WHERE name = ?")) {
        ps.setString(1, model);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** Takes the model's row lock for the rest of the transaction: every change of a model queues here. */
  private static boolean lock(Connection c, String model) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM registered_models WHERE name = ? FOR UPDATE")) {
      ps.setString(1, model);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public ModelVersion register(NewVersion v, Actor actor, long now) {
    ensureModel(v.model(), now);
    return db.tx("register a version of " + v.model(), c -> {
      lock(c, v.model());
      try (PreparedStatement ps = c.prepareStatement("SELECT " + VERSION_COLUMNS + " FROM model_versions WHERE model = ? AND artifact_sha256 = ?")) {
        ps.setString(1, v.model());
        ps.setString(2, v.artifactSha256());
        List<ModelVersion> same = versions(ps);
        if (!same.isEmpty()) return same.get(0);
      }
      int next;
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE model = ?")) {
        ps.setString(1, v.model());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          next = rs.getInt(1);
        }
      }
      ModelVersion mv = new ModelVersion(v.model(), next, v.artifactSha256(), v.mediaType(), v.runId(), v.stepKey(), v.pipeline(), v.gitCommit(),
          v.dataJson(), v.metricsJson(), v.cardJson(), v.description(), null, actor.name(), now);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO model_versions (" + VERSION_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, mv.model());
        ps.setInt(2, mv.version());
        ps.setString(3, mv.artifactSha256());
        ps.setString(4, mv.mediaType());
        ps.setString(5, mv.runId());
        ps.setString(6, mv.stepKey());
        ps.setString(7, mv.pipeline());
        ps.setString(8, mv.gitCommit());
        ps.setString(9, mv.dataJson());
        ps.setString(10, mv.metricsJson());
        ps.setString(11, mv.cardJson());
        ps.setString(12, mv.description());
        ps.setString(13, null);
        ps.setString(14, mv.createdBy());
        ps.setLong(15, mv.createdAt());
        ps.executeUpdate();
      }
      audit(c, v.model(), "register", null, next, null, actor, null, false, now);
      return mv;
    });
  }

  @Override
  public Blessing bless(String model, String artifactSha256, boolean blessed, String checksJson, Integer championVersion, String runId, String stepKey, long now) {
    return db.tx("record the blessing of " + model, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO blessings (model, artifact_sha256, blessed, checks_json, champion_version, run_id, step_key, created_at) VALUES (?,?,?,?,?,?,?,?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, model);
        ps.setString(2, artifactSha256);
        ps.setBoolean(3, blessed);
        ps.setString(4, checksJson);
        setInt(ps, 5, championVersion);
        ps.setString(6, runId);
        ps.setString(7, stepKey);
        ps.setLong(8, now);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return new Blessing(keys.getLong(1), model, artifactSha256, blessed, checksJson, championVersion, runId, stepKey, now);
        }
      }
    });
  }

  @Override
  public Optional<Blessing> blessing(String model, String artifactSha256) {
    return db.read("read the blessing of " + model, c -> blessing(c, model, artifactSha256));
  }

  private static Optional<Blessing> blessing(Connection c, String model, String artifactSha256) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + BLESSING_COLUMNS + " FROM blessings WHERE model = ? AND artifact_sha256 = ? ORDER BY id DESC")) {
      ps.setMaxRows(1);
      ps.setString(1, model);
      ps.setString(2, artifactSha256);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        return Optional.of(new Blessing(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5), getInt(rs, 6), rs.getString(7), rs.getString(8), rs.getLong(9)));
      }
    }
  }

  @Override
  public Optional<ModelVersion> version(String model, int version) {
    return db.read("read " + model + " version " + version, c -> version(c, model, version));
  }

  private static Optional<ModelVersion> version(Connection c, String model, int version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + VERSION_COLUMNS + " FROM model_versions WHERE model = ? AND version = ?")) {
      ps.setString(1, model);
      ps.setInt(2, version);
      return versions(ps).stream().findFirst();
    }
  }

  @Override
  public Optional<ModelVersion> byAlias(String model, String alias) {
    return db.read("read " + model + "@" + alias, c -> {
      Integer v = aliasOf(c, model, alias);
      return v == null ? Optional.empty() : version(c, model, v);
    });
  }

  private static Integer aliasOf(Connection c, String model, String alias) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT version FROM model_aliases WHERE model = ? AND alias = ?")) {
      ps.setString(1, model);
      ps.setString(2, alias);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  @Override
  public List<String> models() {
    return db.read("list models", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM registered_models ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    });
  }

  @Override
  public List<ModelVersion> versions(String model) {
    return db.read("list versions of " + model, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + VERSION_COLUMNS + " FROM model_versions WHERE model = ? ORDER BY version")) {
        ps.setString(1, model);
        return versions(ps);
      }
    });
  }

  private static List<ModelVersion> versions(PreparedStatement ps) throws SQLException {
    List<ModelVersion> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new ModelVersion(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
            rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getLong(15)));
      }
    }
    return out;
  }

  @Override
  public Map<String, Integer> aliases(String model) {
    return db.read("list aliases of " + model, c -> {
      Map<String, Integer> out = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT alias, version FROM model_aliases WHERE model = ? ORDER BY alias")) {
        ps.setString(1, model);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
        }
      }
      return out;
    });
  }

  @Override
  public Promotion promote(String model, int version, String alias, Actor actor, String reason, boolean forced, long now) {
    if (forced && (reason == null || reason.isBlank())) {
      throw new PromotionRefused("a forced promotion needs a reason", "add --reason \"why this version must go to " + alias + " without passing the gate\"");
    }
    return db.tx("promote " + model + " version " + version + " to " + alias, c -> {
      if (!lock(c, model)) throw new PromotionRefused("no registered model named \"" + model + "\"", "`kiln models` lists them");
      ModelVersion v = version(c, model, version).orElseThrow(() -> new PromotionRefused(
          "model " + model + " has no version " + version, "`kiln models " + model + "` lists its versions"));
      Optional<Blessing> b = blessing(c, model, v.artifactSha256());
      if (!forced && (b.isEmpty() || !b.get().blessed())) {
        String why = b.isEmpty()
            ? model + " version " + version + " was never validated, so it holds no blessing"
            : model + " version " + version + " did not pass validation (run " + b.get().runId() + ", step " + b.get().stepKey() + ")";
        throw new PromotionRefused(why + "; only a blessed version can become " + alias,
            b.isEmpty() ? "validate it with a kiln/validate step, or override with --force --reason \"...\" (audited)"
                : "`kiln models " + model + "` shows the failed checks; fix the model, or override with --force --reason \"...\" (audited)");
      }
      Integer from = aliasOf(c, model, alias);
      if (from == null) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO model_aliases (model, alias, version, updated_at) VALUES (?,?,?,?)")) {
          ps.setString(1, model);
          ps.setString(2, alias);
          ps.setInt(3, version);
          ps.setLong(4, now);
          ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps = c.prepareStatement("UPDATE model_aliases SET version = ?, updated_at = ? WHERE model = ? AND alias = ?")) {
          ps.setInt(1, version);
          ps.setLong(2, now);
          ps.setString(3, model);
          ps.setString(4, alias);
          ps.executeUpdate();
        }
      }
      AuditEntry e = audit(c, model, "promote", alias, version, from, actor, reason, forced, now);
      return new Promotion(model, alias, version, from, forced, e);
    });
  }

  @Override
  public AuditEntry demote(String model, String alias, Actor actor, String reason, long now) {
    return db.tx("remove " + model + "@" + alias, c -> {
      if (!lock(c, model)) throw new PromotionRefused("no registered model named \"" + model + "\"", "`kiln models` lists them");
      Integer from = aliasOf(c, model, alias);
      if (from == null) throw new PromotionRefused(model + " has no alias \"" + alias + "\"", "`kiln models " + model + "` lists its aliases");
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM model_aliases WHERE model = ? AND alias = ?")) {
        ps.setString(1, model);
        ps.setString(2, alias);
        ps.executeUpdate();
      }
      return audit(c, model, "demote", alias, null, from, actor, reason, false, now);
    });
  }

  private static AuditEntry audit(Connection c, String model, String action, String alias, Integer version, Integer from, Actor actor, String reason, boolean forced, long now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO model_audit (model, action, alias, version, from_version, actor, origin, git_commit, reason, forced, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, model);
      ps.setString(2, action);
      ps.setString(3, alias);
      setInt(ps, 4, version);
      setInt(ps, 5, from);
      ps.setString(6, actor.name());
      ps.setString(7, actor.origin());
      ps.setString(8, actor.gitCommit());
      ps.setString(9, reason);
      ps.setBoolean(10, forced);
      ps.setLong(11, now);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return new AuditEntry(keys.getLong(1), model, action, alias, version, from, actor.name(), actor.origin(), actor.gitCommit(), reason, forced, now);
      }
    }
  }

  @Override
  public List<AuditEntry> history(String model) {
    return db.read("read the history of " + model, c -> {
      List<AuditEntry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + AUDIT_COLUMNS + " FROM model_audit WHERE model = ? ORDER BY id")) {
        ps.setString(1, model);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), getInt(rs, 5), getInt(rs, 6), rs.getString(7), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getBoolean(11), rs.getLong(12)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void setMirrorVersion(String model, int version, String mirrorVersion) {
    db.tx("record the mirror version of " + model + " " + version, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE model_versions SET mirror_version = ? WHERE model = ? AND version = ?")) {
        ps.setString(1, mirrorVersion);
        ps.setString(2, model);
        ps.setInt(3, version);
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) ps.setNull(i, Types.INTEGER);
    else ps.setInt(i, v);
  }

  private static Integer getInt(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }
}
