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
import java.util.List;

/**
 * Splits a dataset into train / valid / test. Every row's place comes from {@code hash(seed, row
 * number in the file)} (or of its group's value), never from the order DuckDB's threads deliver
 * rows in, and each split keeps the file's row order: the same input and seed give the same bytes
 * whatever the thread count.
 *
 * <ul>
 *   <li>random: rows ordered by their hash; the first round(n * test) are test, the next round(n *
 *       valid) valid
 *   <li>stratified: the same within each value of the target
 *   <li>time: rows ordered by the time column; the latest round(n * test) are test, the ones before
 *       them valid
 *   <li>group: groups ordered by the hash of their value; whole groups go to test until it holds
 *       round(n * test) rows or more, then to valid likewise; a group never spans two splits
 * </ul>
 */
final class SplitStep implements StepType<SplitStep.Params> {
  static final List<String> METHODS = List.of("random", "stratified", "time", "group");

  record Params(
      @Param(value = "the dataset to split (a data/* dataset artifact, or a Parquet file)", required = true) Artifact data,
      @Param(value = "random, stratified (by the target), time or group", defaultValue = "stratified when the dataset has a target, else random") String method,
      @Param(value = "fraction of rows for validation", min = 0, max = 0.9, defaultValue = "0") Double valid,
      @Param(value = "fraction of rows for test", min = 0, max = 0.9, defaultValue = "0.2") Double test,
      @Param("seed (default: derived from the pipeline and step)") Long seed,
      @Param(value = "the time column (method: time) or group column (method: group)", defaultValue = "the dataset's time role for method: time") String column,
      @Param(value = "also number the training rows with k cross-validation folds (output folds)", min = 2, max = 100) Integer folds,
      @Param(value = "DuckDB threads (the result does not depend on it)", min = 1, max = 256, defaultValue = "one per core") Integer threads) {
    Params {
      if (method != null && !METHODS.contains(method)) throw new InvalidParamException("method", false, "unknown split method \"" + method + "\"", "valid: random, stratified, time, group");
      if ("group".equals(method) && column == null) throw new InvalidParamException("method", false, "split method group needs column: (the group column)", "method: group\ncolumn: customer_id");
      valid = valid == null ? 0 : valid;
      test = test == null ? 0.2 : test;
      if (valid + test >= 0.95) throw new InvalidParamException("test", false, "valid + test must leave rows for training, found " + (valid + test), null);
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "data/split",
        "Splits a dataset into train / valid / test (random, stratified, time, group), seeded and byte-reproducible",
        Params.class,
        "1",
        List.of(
            Output.artifact("train", "the training rows (kiln.split = train)"),
            Output.artifact("valid", "the validation rows (kiln.split = valid; no rows when valid: 0)"),
            Output.artifact("test", "the test rows (kiln.split = test; no rows when test: 0)"),
            Output.artifact("folds", "with folds: k, a Parquet file with one column fold (0..k-1), one row per training row, in the same order"),
            Output.value("train-rows", "rows in train"),
            Output.value("valid-rows", "rows in valid"),
            Output.value("test-rows", "rows in test")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    Path file = ctx.open(p.data());
    String shown = IngestStep.shown(p.data());
    long seed = p.seed() == null ? ctx.seed() : p.seed();
    try (Connection c = Datasets.connect(p.threads() == null ? 0 : p.threads())) {
      Datasets.Meta meta;
      try {
        meta = Datasets.meta(c, file);
      } catch (java.sql.SQLException e) {
        throw new InvalidInput(shown + ": is not a Parquet dataset (" + Ingest.firstLine(e.getMessage()) + ")\n  hint: read it with data/ingest first and split its data output");
      }
      Datasets.Roles roles = meta.roles();
      Datasets.exec(c, "CREATE TABLE d AS SELECT * EXCLUDE (file_row_number), file_row_number AS __row FROM read_parquet(" + literal(file.toString()) + ", file_row_number = true)");
      List<String> columns = Datasets.columns(c, "d");
      String method = p.method() != null ? p.method() : roles.target() != null ? "stratified" : "random";
      String column = p.column();
      if (method.equals("stratified") && roles.target() == null) {
        throw new InvalidInput(shown + ": a stratified split needs a target, and the dataset has none\n  hint: set target: in data/ingest, or use method: random");
      }
      if (method.equals("time") && column == null) {
        column = roles.time();
        if (column == null) throw new InvalidInput(shown + ": split method time needs column: (the time column); the dataset has no time role\n  hint: column: date");
      }
      if (column != null && !columns.contains(column)) throw new InvalidInput(shown + ": the column \"" + column + "\" is not in the dataset" + Ingest.hint(column, columns.subList(0, columns.size() - 1)));
      long n = Datasets.count(c, "SELECT count(*) FROM d");
      String h = "hash(" + seed + "::BIGINT, __row)";
      String nt = "round(__n * " + p.test() + ")";
      String nv = "round(__n * " + p.valid() + ")";
      String ranked = switch (method) {
        case "random" -> "SELECT *, row_number() OVER (ORDER BY " + h + ", __row) AS __pos, count(*) OVER () AS __n FROM d";
        case "stratified" -> "SELECT *, row_number() OVER (PARTITION BY " + ident(roles.target()) + " ORDER BY " + h + ", __row) AS __pos, count(*) OVER (PARTITION BY " + ident(roles.target()) + ") AS __n FROM d";
        case "time" -> "SELECT *, count(*) OVER () - row_number() OVER (ORDER BY " + ident(column) + ", __row) + 1 AS __pos, count(*) OVER () AS __n FROM d";
        default -> null;
      };
      String assigned;
      if (ranked != null) {
        assigned = "SELECT *, CASE WHEN __pos <= " + nt + " THEN 'test' WHEN __pos <= " + nt + " + " + nv + " THEN 'valid' ELSE 'train' END AS __split FROM (" + ranked + ")";
      } else {
        String g = "SELECT " + ident(column) + " AS __g, count(*) AS __size, hash(" + seed + "::BIGINT, " + ident(column) + ") AS __gh FROM d GROUP BY ALL";
        String cum = "SELECT *, sum(__size) OVER (ORDER BY __gh, __g ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS __before FROM (" + g + ")";
        String gs = "SELECT __g, __gh, CASE WHEN coalesce(__before, 0) < round(" + n + " * " + p.test() + ") THEN 'test' WHEN coalesce(__before, 0) < round(" + n + " * " + p.test() + ") + round(" + n + " * " + p.valid() + ") THEN 'valid' ELSE 'train' END AS __split FROM (" + cum + ")";
        assigned = "SELECT d.*, gs.__split, gs.__gh AS __pos FROM d JOIN (" + gs + ") gs ON d." + ident(column) + " IS NOT DISTINCT FROM gs.__g";
      }
      Datasets.exec(c, "CREATE TABLE a AS " + assigned);
      StepResult.Builder out = StepResult.builder();
      for (String split : List.of("train", "valid", "test")) {
        String select = "SELECT * EXCLUDE (__row, __pos, __split" + (ranked != null ? ", __n" : "") + ") FROM a WHERE __split = '" + split + "' ORDER BY __row";
        Artifact art = Datasets.store(ctx, c, select, roles, split, split + ".parquet");
        long rows = Datasets.count(c, "SELECT count(*) FROM a WHERE __split = '" + split + "'");
        out.output(split, art).output(split + "-rows", rows).metric("rows." + split, rows);
      }
      if (Datasets.count(c, "SELECT count(*) FROM a WHERE __split = 'train'") == 0) throw new InvalidInput(shown + ": no rows left for training after the split");
      if (p.folds() != null) {
        String partition = method.equals("stratified") ? "PARTITION BY " + ident(roles.target()) + " " : "";
        String fold = switch (method) {
          case "group" -> "(dense_rank() OVER (ORDER BY __pos, " + ident(column) + ") - 1) % " + p.folds();
          case "time" -> "((row_number() OVER (ORDER BY " + ident(column) + ", __row) - 1) * " + p.folds() + " // count(*) OVER ())";
          default -> "(row_number() OVER (" + partition + "ORDER BY " + h + ", __row) - 1) % " + p.folds();
        };
        String select = "SELECT CAST(fold AS INTEGER) AS fold FROM (SELECT __row, " + fold + " AS fold FROM a WHERE __split = 'train') ORDER BY __row";
        out.output("folds", Datasets.store(ctx, c, select, Datasets.Roles.NONE, "train", "folds.parquet"));
      }
      return out.build();
    }
  }
}
