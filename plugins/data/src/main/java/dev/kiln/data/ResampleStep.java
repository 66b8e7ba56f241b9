package dev.kiln.data;

import dev.kiln.dataset.Datasets;
import dev.kiln.dataset.Ingest;

import static dev.kiln.dataset.Datasets.ident;
import static dev.kiln.dataset.Datasets.literal;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Rebalances the classes of a training dataset: random over-sampling of the smaller classes, random
 * under-sampling of the larger ones, or SMOTE (synthetic rows between a row and one of its nearest
 * neighbours of the same class).
 *
 * <p>{@code ratio} is the size of the smallest class over the largest after resampling. over and
 * smote grow every class below {@code round(ratio * largest)} to that size; under cuts every class
 * above {@code round(smallest / ratio)} to that size (the rows kept: the first by {@code hash(seed,
 * row number)}, written in the file's order).
 *
 * <p>SMOTE: the numeric feature columns (not the target, id or weight) are standardized over the
 * whole dataset (population standard deviation; a missing value counts as the mean, a constant
 * column not at all). Each synthetic row draws a base row of its class and one of the base's k
 * nearest neighbours in that class (Euclidean; ties by row order), both uniformly, and a gap
 * uniform in [0, 1): each numeric column is {@code base + gap * (neighbour - base)} (the base's
 * value when the neighbour's is missing; rounded back for integer columns). Every other column
 * (categorical, boolean, date) takes the value most of the k neighbours share, as SMOTE-NC does
 * (a tie goes to the value of the nearest neighbour among those tied); text columns, the weight and
 * the target come from the base row. The neighbour search is brute force over primitive arrays:
 * O(m * m * d) for a class of m rows and d numeric columns at most (each base row's neighbours are
 * computed once), a few milliseconds for the few hundred minority rows of churn.
 *
 * <p>Synthetic rows (smote and over alike) follow the kept rows, numbered 1, 2, ... across classes
 * in class order, with ids {@code smote-<n>} or {@code over-<n>} (an id column then becomes text).
 * Every draw comes from one {@link SplittableRandom} seeded with {@code seed}, in a fixed order, so
 * the same input and seed give the same bytes.
 */
final class ResampleStep implements StepType<ResampleStep.Params> {
  static final List<String> METHODS = List.of("smote", "over", "under");
  static final String GUARD = "resampling must only touch the training split";

  record Params(
      @Param(value = "the training dataset (a data/* dataset artifact, e.g. the train output of data/split, or a Parquet file)", required = true) Artifact data,
      @Param(value = "smote (synthetic rows), over (random copies of rows of the smaller classes) or under (random rows of the larger classes dropped)", defaultValue = "smote") String method,
      @Param(value = "the class column", defaultValue = "the dataset's target role") String target,
      @Param(value = "smallest class / largest class after resampling", min = 0.01, max = 1, defaultValue = "1.0") Double ratio,
      @Param(value = "SMOTE: neighbours a synthetic row may be drawn towards", min = 1, max = 100, defaultValue = "5") Integer k,
      @Param("seed (default: derived from the pipeline and step)") Long seed) {
    Params {
      if (method != null && !METHODS.contains(method)) throw new InvalidParamException("method", false, "unknown resampling method \"" + method + "\"", "valid: smote, over, under");
      method = method == null ? "smote" : method;
      ratio = ratio == null ? 1.0 : ratio;
      k = k == null ? 5 : k;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "data/resample",
        "Rebalances the classes of a training dataset: SMOTE, random over-sampling or random under-sampling, seeded and byte-reproducible",
        Params.class,
        "1",
        List.of(
            Output.artifact("data", "the resampled rows (kiln.split = train, kiln.resampled = the method); synthetic rows after the original ones"),
            Output.value("before", "class -> rows before resampling"),
            Output.value("after", "class -> rows after resampling"),
            Output.value("rows", "rows in data"),
            Output.value("synthetic", "rows added (smote, over)"),
            Output.value("removed", "rows dropped (under)")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    Path file = ctx.open(p.data());
    String shown = IngestStep.shown(p.data());
    long seed = p.seed() == null ? ctx.seed() : p.seed();
    try (Connection c = Datasets.connect()) {
      Datasets.Meta meta;
      try {
        meta = Datasets.meta(c, file);
      } catch (SQLException e) {
        throw new InvalidInput(shown + ": is not a Parquet dataset (" + Ingest.firstLine(e.getMessage()) + ")\n  hint: read it with data/ingest first and resample the train output of data/split");
      }
      if ("valid".equals(meta.split()) || "test".equals(meta.split())) {
        throw new InvalidInput(shown + ": is the " + meta.split() + " split (kiln.split = " + meta.split() + "); " + GUARD
            + "\n  hint: resample the train output of data/split, e.g. data: ${{ steps.split.outputs.train }}");
      }
      Datasets.Roles roles = meta.roles();
      Datasets.exec(c, "CREATE TABLE d AS SELECT * EXCLUDE (file_row_number), file_row_number AS __row FROM read_parquet(" + literal(file.toString()) + ", file_row_number = true)");
      Map<String, String> types = new LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE d")) {
        while (r.next()) if (!r.getString(1).equals("__row")) types.put(r.getString(1), r.getString(2));
      }
      List<String> columns = new ArrayList<>(types.keySet());
      String target = p.target() != null ? p.target() : roles.target();
      if (target == null) throw new InvalidInput(shown + ": resampling needs the class column, and the dataset has no target\n  hint: set target: here, or in data/ingest");
      if (!columns.contains(target)) throw new InvalidInput(shown + ": the target \"" + target + "\" is not in the dataset" + Ingest.hint(target, columns));
      long missing = Datasets.count(c, "SELECT count(*) FROM d WHERE " + ident(target) + " IS NULL");
      if (missing > 0) throw new InvalidInput(shown + ": the target \"" + target + "\" is missing in " + missing + (missing == 1 ? " row" : " rows") + "\n  hint: drop them first (data/ingest drop-missing-target: true, or data/sql)");
      String cls = "CAST(" + ident(target) + " AS VARCHAR)";

      Map<String, Long> before = new LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + cls + ", count(*) FROM d GROUP BY " + ident(target) + " ORDER BY " + ident(target))) {
        while (r.next()) before.put(r.getString(1), r.getLong(2));
      }
      long largest = before.values().stream().mapToLong(Long::longValue).max().orElse(0);
      long smallest = before.values().stream().mapToLong(Long::longValue).min().orElse(0);
      Map<String, Long> after = new LinkedHashMap<>();
      for (var e : before.entrySet()) {
        long n = e.getValue();
        after.put(e.getKey(), p.method().equals("under") ? Math.min(n, Math.max(smallest, Math.round(smallest / p.ratio()))) : Math.max(n, Math.round(p.ratio() * largest)));
      }

      String id = roles.id() != null && columns.contains(roles.id()) && !roles.id().equals(target) ? roles.id() : null;
      String weight = roles.weight() != null && columns.contains(roles.weight()) ? roles.weight() : null;
      List<String> numeric = new ArrayList<>();
      List<String> other = new ArrayList<>();
      for (String col : columns) {
        if (col.equals(target) || col.equals(id) || col.equals(weight) || roles.text().contains(col)) continue;
        (isNumeric(types.get(col)) ? numeric : other).add(col);
      }

      long synthetic = 0;
      String keep = "TRUE";
      if (p.method().equals("under")) {
        StringBuilder quota = new StringBuilder("CASE __k");
        for (var e : after.entrySet()) quota.append(" WHEN ").append(literal(e.getKey())).append(" THEN ").append(e.getValue());
        quota.append(" END");
        Datasets.exec(c, "CREATE TABLE kept AS SELECT __row FROM (SELECT __row, " + cls + " AS __k, row_number() OVER (PARTITION BY " + ident(target) + " ORDER BY hash(" + seed + "::BIGINT, __row), __row) AS __pos FROM d) WHERE __pos <= "
            + quota);
        keep = "__row IN (SELECT __row FROM kept)";
      } else {
        synthetic = synthesize(c, p, shown, seed, before, after, cls, numeric, other);
      }

      boolean idToText = synthetic > 0 && id != null && !types.get(id).equals("VARCHAR");
      List<String> kept = new ArrayList<>();
      List<String> made = new ArrayList<>();
      for (String col : columns) {
        String q = ident(col);
        if (col.equals(id)) {
          kept.add((idToText ? "CAST(" + q + " AS VARCHAR)" : q) + " AS " + q);
          made.add("'" + p.method() + "-' || s.__n AS " + q);
        } else if (numeric.contains(col) && p.method().equals("smote")) {
          String v = "CASE WHEN nb." + q + " IS NULL THEN b." + q + " ELSE b." + q + " + s.__gap * (nb." + q + " - b." + q + ") END";
          kept.add(q);
          made.add("CAST(" + v + " AS " + types.get(col) + ") AS " + q);
        } else if (other.contains(col) && p.method().equals("smote")) {
          kept.add(q);
          made.add("c" + other.indexOf(col) + "." + q + " AS " + q);
        } else {
          kept.add(q);
          made.add("b." + q + " AS " + q);
        }
      }
      StringBuilder joins = new StringBuilder(" JOIN d b ON b.__row = s.__base JOIN d nb ON nb.__row = s.__nb");
      for (int i = 0; i < other.size(); i++) joins.append(" JOIN d c").append(i).append(" ON c").append(i).append(".__row = s.__c").append(i);
      String select = "SELECT 0 AS __part, __row AS __ord, " + String.join(", ", kept) + " FROM d WHERE " + keep;
      if (synthetic > 0) select += " UNION ALL SELECT 1, s.__n, " + String.join(", ", made) + " FROM syn s" + joins;
      select = "SELECT * EXCLUDE (__part, __ord) FROM (" + select + ") ORDER BY __part, __ord";
      Artifact data = Datasets.store(ctx, c, select, roles.keep(columns), "train", Map.of("kiln.resampled", p.method()), "data.parquet");

      long rows = after.values().stream().mapToLong(Long::longValue).sum();
      long total = before.values().stream().mapToLong(Long::longValue).sum();
      ctx.log(p.method() + ": " + total + " -> " + rows + " rows; per class " + before + " -> " + after);
      return StepResult.builder()
          .output("data", data)
          .output("before", new LinkedHashMap<String, Object>(before))
          .output("after", new LinkedHashMap<String, Object>(after))
          .output("rows", rows)
          .output("synthetic", synthetic)
          .output("removed", total - rows + synthetic)
          .metric("rows", rows)
          .metric("synthetic", synthetic)
          .build();
    }
  }

  private static boolean isNumeric(String type) {
    String t = type.toUpperCase(Locale.ROOT);
    return t.equals("DOUBLE") || t.equals("FLOAT") || t.equals("REAL") || t.startsWith("DECIMAL") || t.endsWith("INT") || t.equals("INTEGER") || t.equals("HUGEINT") || t.equals("UHUGEINT") || t.equals("UINTEGER");
  }

  /**
   * Draws the synthetic rows into table {@code syn(__n, __base, __nb, __gap, __c0, __c1, ...)}: the
   * base row, the neighbour, the gap, and for each non-numeric column the row whose value it takes.
   * over: the neighbour is the base and the gap 0. Returns the number of rows drawn.
   */
  private static long synthesize(Connection c, Params p, String shown, long seed, Map<String, Long> before, Map<String, Long> after, String cls, List<String> numeric, List<String> other)
      throws SQLException, InvalidInput {
    boolean smote = p.method().equals("smote");
    StringBuilder ddl = new StringBuilder("CREATE TABLE syn (__n BIGINT, __base BIGINT, __nb BIGINT, __gap DOUBLE");
    for (int i = 0; i < other.size(); i++) ddl.append(", __c").append(i).append(" BIGINT");
    Datasets.exec(c, ddl + ")");
    if (smote) {
      for (var e : before.entrySet()) {
        if (after.get(e.getKey()) > e.getValue() && p.k() >= e.getValue()) {
          throw new InvalidInput(shown + ": SMOTE with k: " + p.k() + " needs more than " + p.k() + " rows in each class it grows, and class \"" + e.getKey() + "\" has " + e.getValue()
              + "\n  hint: lower k: below the class's row count, or use method: over");
        }
      }
      if (numeric.isEmpty() && after.entrySet().stream().anyMatch(e -> e.getValue() > before.get(e.getKey()))) {
        throw new InvalidInput(shown + ": SMOTE interpolates numeric columns, and the dataset has none besides the target, id and weight\n  hint: use method: over");
      }
    }
    List<String> scaled = new ArrayList<>();
    for (String col : numeric) {
      String q = ident(col);
      scaled.add("coalesce(CASE WHEN (SELECT stddev_pop(" + q + ") FROM d) > 0 THEN (" + q + " - (SELECT avg(" + q + ") FROM d)) / (SELECT stddev_pop(" + q + ") FROM d) END, 0)");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    long n = 0;
    try (DuckDBAppender app = c.unwrap(DuckDBConnection.class).createAppender("syn")) {
      for (var e : before.entrySet()) {
        long add = after.get(e.getKey()) - e.getValue();
        if (add <= 0) continue;
        List<String> select = new ArrayList<>(List.of("__row"));
        if (smote) {
          select.addAll(scaled);
          for (String col : other) select.add("CAST(" + ident(col) + " AS VARCHAR)");
        }
        int m = e.getValue().intValue();
        long[] row = new long[m];
        double[][] x = new double[m][];
        String[][] cat = new String[m][];
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + String.join(", ", select) + " FROM d WHERE " + cls + " = " + literal(e.getKey()) + " ORDER BY __row")) {
          for (int i = 0; r.next(); i++) {
            row[i] = r.getLong(1);
            if (!smote) continue;
            x[i] = new double[numeric.size()];
            for (int j = 0; j < numeric.size(); j++) x[i][j] = r.getDouble(2 + j);
            cat[i] = new String[other.size()];
            for (int j = 0; j < other.size(); j++) cat[i][j] = r.getString(2 + numeric.size() + j);
          }
        }
        int[][] nn = new int[m][];
        for (long a = 0; a < add; a++) {
          int base = rnd.nextInt(m);
          app.beginRow().append(++n).append(row[base]);
          if (!smote) {
            app.append(row[base]).append(0.0);
            for (int j = 0; j < other.size(); j++) app.append(row[base]);
          } else {
            if (nn[base] == null) nn[base] = neighbours(x, base, p.k());
            int nb = nn[base][rnd.nextInt(p.k())];
            double gap = rnd.nextDouble();
            app.append(row[nb]).append(gap);
            for (int j = 0; j < other.size(); j++) app.append(row[vote(cat, nn[base], j)]);
          }
          app.endRow();
        }
      }
    }
    return n;
  }

  /** The k rows of {@code x} nearest to row {@code i} (not i itself), nearest first; ties by row index. */
  static int[] neighbours(double[][] x, int i, int k) {
    int[] best = new int[k];
    double[] dist = new double[k];
    int found = 0;
    for (int j = 0; j < x.length; j++) {
      if (j == i) continue;
      double d = 0;
      for (int f = 0; f < x[i].length; f++) {
        double diff = x[i][f] - x[j][f];
        d += diff * diff;
      }
      if (found == k && d >= dist[k - 1]) continue;
      int at = found < k ? found++ : k - 1;
      while (at > 0 && dist[at - 1] > d) {
        dist[at] = dist[at - 1];
        best[at] = best[at - 1];
        at--;
      }
      dist[at] = d;
      best[at] = j;
    }
    return best;
  }

  /** The neighbour (an index of {@code cat}) whose value of column j most of {@code nn} share; a tie goes to the nearest. */
  static int vote(String[][] cat, int[] nn, int j) {
    Map<String, Integer> count = new HashMap<>();
    for (int i : nn) count.merge(Objects.toString(cat[i][j], "\0null"), 1, Integer::sum);
    int best = nn[0];
    int most = 0;
    for (int i : nn) {
      int c = count.get(Objects.toString(cat[i][j], "\0null"));
      if (c > most) {
        most = c;
        best = i;
      }
    }
    return best;
  }
}
