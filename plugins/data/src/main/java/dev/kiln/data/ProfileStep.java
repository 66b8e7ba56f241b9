package dev.kiln.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.data.profile.Profile;
import dev.kiln.data.profile.Profiler;
import dev.kiln.data.profile.Report;
import dev.kiln.data.profile.TableSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** data/profile: the EDA report of a dataset or a CSV/Parquet file, computed by DuckDB. */
final class ProfileStep implements StepType<ProfileStep.Params> {
  /** What CSV files spell a missing value as, unless missing: says otherwise (as tribuo/ingest). */
  static final List<String> DEFAULT_MISSING = List.of("", "NA", "N/A", "NaN", "nan", "null", "NULL", "?");

  record Params(
      @Param(value = "what to profile: a dataset artifact (Parquet) or a CSV or Parquet file", required = true) Artifact data,
      @Param(value = "the column every other is related to", defaultValue = "the target in the dataset's kiln.roles metadata, else none") String target,
      @Param(value = "the columns to profile", defaultValue = "all") List<String> columns,
      @Param("columns to leave out (ids, row numbers)") List<String> exclude,
      @Param(value = "values per bar chart and top-values table; the rest are summed as (other)", min = 2, max = 100, defaultValue = "20") Integer maxCategories,
      @Param(value = "rows sampled (seeded) for the correlations and scatter plots", min = 10, defaultValue = "100000") Integer sample,
      @Param(value = "seed for the sample", defaultValue = "derived from the pipeline and step") Long seed,
      @Param(value = "CSV field delimiter (one character; \\t for tab)", defaultValue = ",") String delimiter,
      @Param(value = "values a CSV file spells missing values as", defaultValue = "['', NA, N/A, NaN, nan, null, NULL, '?']") List<String> missing,
      @Param(value = "the report's title", defaultValue = "Data profile: <file name>") String title) {
    Params {
      if (delimiter != null && unescape(delimiter).length() != 1) {
        throw new InvalidParamException("delimiter", false, "the delimiter must be one character, found \"" + delimiter + "\"", "e.g. ',' ';' '|' or \\t");
      }
      maxCategories = maxCategories == null ? 20 : maxCategories;
      sample = sample == null ? 100_000 : sample;
      missing = missing == null ? DEFAULT_MISSING : missing;
    }

    static String unescape(String d) {
      return d.equals("\\t") ? "\t" : d;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "data/profile",
        "EDA report: per-column stats, quantiles, outliers, histograms, bar charts, correlations, target relationships",
        Params.class,
        "1",
        List.of(
            Output.artifact("report", "one self-contained HTML page with the tables and the charts"),
            Output.value("plots", "plot name -> PNG artifact (histogram-<column>, bars-<column>, target-<column>, pearson, spearman, cramers-v)"),
            Output.artifact("summary", "every number of the report (JSON)"),
            Output.value("rows", "rows in the data"),
            Output.value("columns", "columns profiled"),
            Output.value("missing-cells", "missing values over the profiled columns")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    String shown = p.data().name() != null && !p.data().name().isEmpty() ? p.data().name() : "artifact " + p.data().sha256().substring(0, 12);
    String title = p.title() != null ? p.title() : "Data profile: " + shown;
    long seed = p.seed() == null ? ctx.seed() : p.seed();
    char delimiter = p.delimiter() == null ? ',' : Params.unescape(p.delimiter()).charAt(0);
    Path tmp = Files.createDirectories(ctx.scratchDir().resolve("duckdb"));
    long t0 = System.nanoTime();
    Profile profile;
    try (TableSource src = TableSource.load(ctx.open(p.data()), shown, delimiter, p.missing(), tmp)) {
      ctx.log(String.format(Locale.ROOT, "loaded %s into DuckDB in %.2fs", shown, (System.nanoTime() - t0) / 1e9));
      profile = Profiler.run(src, shown, new Profiler.Options(p.target(), p.columns(), p.exclude(), p.maxCategories(), p.sample(), seed));
    }
    long t1 = System.nanoTime();
    Report.Rendered r = Report.render(profile, title);
    long t2 = System.nanoTime();
    ctx.log(String.format(Locale.ROOT, "profiled %d rows x %d columns of %s in %.2fs (%s); %d charts in %.2fs", profile.rows(), profile.columns().size(), shown, (t1 - t0) / 1e9,
        profile.timing(), r.plots().size(), (t2 - t1) / 1e9));
    StepResult.Builder out = StepResult.builder();
    Path dir = ctx.scratchDir();
    Map<String, Artifact> plots = new LinkedHashMap<>();
    int i = 0;
    for (var e : r.plots().entrySet()) {
      Path f = dir.resolve(String.format(Locale.ROOT, "%03d-%s.png", i++, fileName(e.getKey())));
      Files.write(f, e.getValue());
      plots.put(e.getKey(), ctx.storeArtifact(f, "image/png"));
    }
    Path html = dir.resolve("report.html");
    Files.writeString(html, r.html(), StandardCharsets.UTF_8);
    Path summary = dir.resolve("summary.json");
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.write(summary, json.writeValueAsBytes(profile.toJson(title)));
    return out.output("report", ctx.storeArtifact(html, "text/html"))
        .output("plots", plots)
        .output("summary", ctx.storeArtifact(summary, "application/json"))
        .output("rows", profile.rows())
        .output("columns", profile.columns().size())
        .output("missing-cells", profile.missingCells())
        .build();
  }

  /** A column name as a safe file-name part. */
  private static String fileName(String s) {
    String f = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return f.length() > 60 ? f.substring(0, 60) : f;
  }
}
