package dev.kiln.tribuo;

import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.tribuo.data.ColumnType;
import dev.kiln.tribuo.data.DatasetFile;
import dev.kiln.tribuo.data.DuckTableReader;
import dev.kiln.tribuo.data.Schema;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.TableReader;
import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.data.Values;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.ModelBundle;
import dev.kiln.tribuo.train.TribuoData;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;

/** Batch scoring: applies a model bundle (its transform, then its model) to a file; writes predictions as CSV. */
final class PredictStep implements StepType<PredictStep.Params> {

  record Params(
      @Param(value = "the model bundle (tribuo/train's model output)", required = true) Artifact model,
      @Param(value = "rows to score: a CSV / JSON-lines file with the training columns (the target may be absent), or a tribuo/ingest split", required = true) Artifact data,
      @Param(value = "csv or jsonl", defaultValue = "from the file name") String format,
      @Param(value = "CSV field delimiter", defaultValue = ",") String delimiter,
      @Param(value = "values that mean missing", defaultValue = "['', NA, N/A, NaN, nan, null, NULL, '?']") List<String> missing,
      @Param("input columns copied into the predictions file (default: the id columns)") List<String> keep) {
    Params {
      if (format != null && !format.equals("csv") && !format.equals("jsonl")) throw new InvalidParamException("format", false, "unknown format \"" + format + "\"", "valid: csv, jsonl");
      if (delimiter != null && IngestStep.Params.unescape(delimiter).length() != 1) throw new InvalidParamException("delimiter", false, "the delimiter must be one character", null);
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "tribuo/predict",
        "Scores a file with a model bundle; writes predictions (and class probabilities) as CSV",
        Params.class,
        "1",
        List.of(Output.artifact("predictions", "CSV: kept columns, prediction, and p(<class>) per class or score"), Output.value("rows", "rows scored")));
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    ModelBundle bundle = ModelBundle.read(ctx.open(p.model()), Steps.shown(p.model()));
    Transform tf = bundle.transform();
    Path file = ctx.open(p.data());
    String shown = Steps.shown(p.data());
    Table data;
    if (DatasetFile.isDataset(file)) {
      data = DatasetFile.read(file, shown);
    } else {
      Map<String, ColumnType> types = new LinkedHashMap<>();
      for (Schema.Column c : tf.input().columns()) if (!c.name().equals(tf.input().target())) types.put(c.name(), c.type());
      String d = p.delimiter() == null ? "," : IngestStep.Params.unescape(p.delimiter());
      var opts = new TableReader.Options(p.format(), d.charAt(0), '"', true, p.missing() == null ? TableReader.defaultMissing() : new HashSet<>(p.missing()), types, null, Task.CLUSTERING, null, false, true);
      data = DuckTableReader.read(file, shown, opts);
      data = data.withSchema(new Schema(data.schema().columns(), null, tf.input().task(), null));
    }
    List<Scoring.Scored> preds = Scoring.score(bundle, data, shown);
    List<String> keep = p.keep();
    if (keep == null) {
      keep = new ArrayList<>();
      for (Schema.Column c : data.schema().columns()) if (c.type() == ColumnType.ID) keep.add(c.name());
    }
    for (String k : keep) if (data.schema().index(k) < 0) throw new dev.kiln.api.InvalidInput(shown + ": keep: names \"" + k + "\", which is not a column" + TableReader.hint(k, data.schema().names().toArray(new String[0])));
    Task task = tf.input().task();
    List<String> header = new ArrayList<>(keep);
    header.add("prediction");
    boolean probs = Scoring.probabilities(bundle);
    if (probs) for (String l : tf.labels()) header.add("p(" + l + ")");
    if (task == Task.ANOMALY) header.add("score");
    Path out = ctx.scratchDir().resolve("predictions.csv");
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        CsvGenerator g = new CsvMapper().getFactory().createGenerator(w)) {
      g.setSchema(CsvSchema.emptySchema().withoutHeader().withLineSeparator("\n"));
      g.writeStartArray();
      for (String h : header) g.writeString(h);
      g.writeEndArray();
      for (int r = 0; r < preds.size(); r++) {
        Scoring.Scored pr = preds.get(r);
        g.writeStartArray();
        for (String k : keep) {
          Object col = data.column(k);
          g.writeString(col instanceof double[] a ? Values.format(a[r]) : String.valueOf(((String[]) col)[r] == null ? "" : ((String[]) col)[r]));
        }
        g.writeString(pr.prediction() instanceof Double d ? Values.format(d) : String.valueOf(pr.prediction()));
        if (probs) for (String l : tf.labels()) g.writeString(Values.format(pr.probabilities().get(l)));
        if (pr.score() != null) g.writeString(Values.format(pr.score()));
        g.writeEndArray();
      }
    }
    ctx.log("scored " + preds.size() + " rows of " + shown);
    return StepResult.builder().output("predictions", ctx.storeArtifact(out, "text/csv")).output("rows", preds.size()).metric("rows", preds.size()).build();
  }
}
