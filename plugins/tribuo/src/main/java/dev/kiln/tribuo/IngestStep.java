package dev.kiln.tribuo;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.tribuo.data.ColumnType;
import dev.kiln.tribuo.data.DatasetFile;
import dev.kiln.tribuo.data.DuckTableReader;
import dev.kiln.tribuo.data.Profile;
import dev.kiln.tribuo.data.Split;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.TableReader;
import dev.kiln.tribuo.data.Task;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads CSV / JSON lines, types the columns, splits, profiles; writes the splits as dataset artifacts. */
final class IngestStep implements StepType<IngestStep.Params> {

  record SplitSpec(
      @Param(value = "random, stratified (by the target) or time", defaultValue = "stratified for classification, else random") String method,
      @Param(value = "fraction of rows for validation", min = 0, max = 0.9, defaultValue = "0") Double valid,
      @Param(value = "fraction of rows for test", min = 0, max = 0.9, defaultValue = "0.2") Double test,
      @Param("seed for the shuffle (default: derived from the pipeline and step)") Long seed,
      @Param("the column that orders rows in time (method: time)") String timeColumn) {
    SplitSpec {
      if (method != null && !List.of("random", "stratified", "time").contains(method)) {
        throw new InvalidParamException("method", false, "unknown split method \"" + method + "\"", "valid: random, stratified, time");
      }
      if ("time".equals(method) && timeColumn == null) throw new InvalidParamException("method", false, "split method time needs time-column:", "split: {method: time, time-column: date}");
      double v = valid == null ? 0 : valid;
      double t = test == null ? 0.2 : test;
      if (v + t >= 0.95) throw new InvalidParamException(test != null ? "test" : "valid", false, "valid + test must leave rows for training, found " + (v + t), null);
    }
  }

  record Params(
      @Param(value = "the file to read: CSV, TSV, JSON lines or Parquet (a path, or an artifact)", required = true) Artifact data,
      @Param(value = "csv, tsv, jsonl or parquet", defaultValue = "from the file name") String format,
      @Param(value = "CSV field delimiter (one character; \\t for tab)", defaultValue = ",") String delimiter,
      @Param(value = "CSV quote character", defaultValue = "\"") String quote,
      @Param(value = "the first CSV line names the columns", defaultValue = "true") Boolean header,
      @Param(value = "values that mean missing", defaultValue = "['', NA, N/A, NaN, nan, null, NULL, '?']") List<String> missing,
      @Param("column -> numeric | categorical | text | id | ignore (overrides inference)") Map<String, String> columns,
      @Param("the column to learn (omit for clustering without labels)") String target,
      @Param(value = "classification | regression | clustering | anomaly", defaultValue = "regression for a numeric target, else classification") String task,
      @Param("the positive class (binary metrics); for anomaly detection the target value that marks an anomaly") String positive,
      @Param("how rows are split into train / valid / test") SplitSpec split,
      @Param(value = "skip rows whose target is missing instead of failing", defaultValue = "false") Boolean dropMissingTarget) {
    Params {
      if (format != null && !List.of("csv", "tsv", "jsonl", "parquet").contains(format)) throw new InvalidParamException("format", false, "unknown format \"" + format + "\"", "valid: csv, tsv, jsonl, parquet");
      if (delimiter != null && unescape(delimiter).length() != 1) throw new InvalidParamException("delimiter", false, "the delimiter must be one character, found \"" + delimiter + "\"", "e.g. ',' ';' '|' or \\t");
      if (quote != null && quote.length() != 1) throw new InvalidParamException("quote", false, "the quote must be one character, found \"" + quote + "\"", null);
      if (columns != null) {
        for (var e : columns.entrySet()) {
          if (ColumnType.parse(e.getValue()) == null) throw new InvalidParamException("columns." + e.getKey(), false, "unknown column type \"" + e.getValue() + "\"", "valid: numeric, categorical, text, id, ignore");
        }
      }
      if (task != null && Task.parse(task) == null) throw new InvalidParamException("task", false, "unknown task \"" + task + "\"", "valid: classification, regression, clustering, anomaly");
      if (task != null && Task.parse(task) != Task.CLUSTERING && target == null) throw new InvalidParamException("task", false, "task " + task + " needs a target: column", "target: <the column to learn>");
      if (split != null && "stratified".equals(split.method()) && target == null) throw new InvalidParamException("split.method", false, "a stratified split needs a target: column", "use method: random");
      columns = columns == null ? Map.of() : columns;
      split = split == null ? new SplitSpec(null, null, null, null, null) : split;
    }

    static String unescape(String d) {
      return d.equals("\\t") ? "\t" : d;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "tribuo/ingest",
        "Reads CSV, TSV, JSON lines or Parquet (embedded DuckDB), types the columns, splits train/valid/test, profiles the data",
        Params.class,
        "1",
        List.of(
            Output.artifact("train", "the training split (a Kiln dataset: Parquet, its schema and column roles in the metadata)"),
            Output.artifact("valid", "the validation split (only when split.valid > 0)"),
            Output.artifact("test", "the test split (only when split.test > 0)"),
            Output.artifact("all", "every row, unsplit"),
            Output.artifact("profile", "the data profile (JSON): rows, missing values, summaries, class balance"),
            Output.value("rows", "rows read"),
            Output.value("columns", "column -> type as ingested"),
            Output.value("task", "the task")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    Map<String, ColumnType> types = TableReader.types(p.columns());
    Task task = p.task() == null ? null : Task.parse(p.task());
    var missing = p.missing() == null ? TableReader.defaultMissing() : new HashSet<>(p.missing());
    String delimiter = p.delimiter() != null ? Params.unescape(p.delimiter()) : "tsv".equals(p.format()) || Steps.shown(p.data()).endsWith(".tsv") ? "\t" : ",";
    var opts = new TableReader.Options(p.format(), delimiter.charAt(0), p.quote() == null ? '"' : p.quote().charAt(0), p.header() == null || p.header(),
        missing, types, p.target(), task, p.positive(), Boolean.TRUE.equals(p.dropMissingTarget()), false);
    String shown = Steps.shown(p.data());
    long t0 = System.nanoTime();
    Table t = DuckTableReader.read(ctx.open(p.data()), shown, opts);
    double secs = (System.nanoTime() - t0) / 1e9;
    ctx.log(String.format(Locale.ROOT, "read %d rows x %d columns from %s in %.2fs", t.rows(), t.width(), shown, secs));
    Map<String, Integer> classes = Split.classCounts(t);
    if (p.positive() != null && t.schema().target() != null && !classes.containsKey(p.positive())) {
      throw new InvalidInput(shown + ": positive: \"" + p.positive() + "\" is not a value of the target \"" + t.schema().target() + "\"\n  hint: values: " + String.join(", ", classes.keySet()));
    }
    Task actual = t.schema().task();
    if (actual == Task.CLASSIFICATION && classes.size() < 2) {
      throw new InvalidInput(shown + ": the target \"" + t.schema().target() + "\" has " + classes.size() + " class; classification needs at least 2");
    }
    var s = p.split();
    Split.Method method = s.method() != null ? Split.Method.valueOf(s.method().toUpperCase(Locale.ROOT)) : actual == Task.CLASSIFICATION || actual == Task.ANOMALY ? Split.Method.STRATIFIED : Split.Method.RANDOM;
    double valid = s.valid() == null ? 0 : s.valid();
    double test = s.test() == null ? 0.2 : s.test();
    Split.Parts parts = Split.split(t, method, valid, test, s.seed() == null ? ctx.seed() : s.seed(), s.timeColumn(), shown);
    if (parts.train().length == 0) throw new InvalidInput(shown + ": no rows left for training after the split");
    StepResult.Builder out = StepResult.builder();
    Path dir = ctx.scratchDir();
    Map<String, int[]> named = new LinkedHashMap<>();
    named.put("train", parts.train());
    if (parts.valid().length > 0) named.put("valid", parts.valid());
    if (parts.test().length > 0) named.put("test", parts.test());
    for (var e : named.entrySet()) {
      Path f = dir.resolve(e.getKey() + ".parquet");
      DatasetFile.write(t.select(e.getValue()), e.getKey(), f);
      out.output(e.getKey(), ctx.storeArtifact(f, DatasetFile.MEDIA_TYPE));
      out.metric("rows." + e.getKey(), e.getValue().length);
    }
    Path all = dir.resolve("all.parquet");
    DatasetFile.write(t, "all", all);
    out.output("all", ctx.storeArtifact(all, DatasetFile.MEDIA_TYPE));
    Map<String, Object> profile = Profile.of(t, classes);
    profile.put("split", Map.of("method", method.name().toLowerCase(Locale.ROOT), "train", parts.train().length, "valid", parts.valid().length, "test", parts.test().length));
    out.output("profile", Steps.storeJson(ctx, "profile.json", profile));
    out.metric("rows", t.rows());
    out.metric("read-seconds", secs);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cols = (List<Map<String, Object>>) profile.get("columns");
    Map<String, Object> columnTypes = new LinkedHashMap<>();
    for (Map<String, Object> c : cols) {
      columnTypes.put((String) c.get("name"), c.get("type"));
      int miss = ((Number) c.get("missing")).intValue();
      if (miss > 0) out.metric("missing." + c.get("name"), miss);
    }
    classes.forEach((k, n) -> out.metric("class." + k, (double) n / t.rows()));
    ctx.log("columns: " + columnTypes + "; target " + t.schema().target() + " (" + actual.yamlName() + "); split " + method.name().toLowerCase(Locale.ROOT) + " " + parts.train().length + "/" + parts.valid().length + "/" + parts.test().length);
    return out.output("rows", t.rows()).output("columns", columnTypes).output("task", actual.yamlName()).build();
  }
}
