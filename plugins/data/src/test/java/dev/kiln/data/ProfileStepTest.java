package dev.kiln.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileStepTest {
  static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** 21 rows: x (1..20 and 1000, row 5 missing), y, c (a/b/c, row 7 NA), d (u/v), label (no/yes). */
  private Path small() throws Exception {
    StringBuilder b = new StringBuilder("x,y,c,d,label\n");
    for (int i = 0; i < 21; i++) {
      String x = i == 5 ? "" : Integer.toString(i < 20 ? i + 1 : 1000);
      String c = i == 7 ? "NA" : i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c";
      b.append(x).append(',').append(2 * i + i % 3).append(',').append(c).append(',').append(i % 2 == 0 ? "u" : "v").append(',').append(i < 10 ? "no" : "yes").append('\n');
    }
    Path f = dir.resolve("small.csv");
    Files.writeString(f, b.toString());
    return f;
  }

  private static double[] xs() {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < 21; i++) if (i != 5) v.add(i < 20 ? i + 1.0 : 1000.0);
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Linear interpolation between the closest ranks (numpy's default, pandas' quantile). */
  private static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  private StepOutcome profile(String with) {
    return StepHarness.of(new ProfileStep(), dir).projectDir(dir).run(with);
  }

  private static JsonNode column(JsonNode summary, String name) {
    for (JsonNode c : summary.path("profile")) if (c.path("name").asText().equals(name)) return c;
    throw new AssertionError("no column " + name + " in the summary");
  }

  @Test
  void numbersMatchAnIndependentComputation() throws Exception {
    small();
    StepOutcome out = profile("data: small.csv\ntarget: label").assertSucceeded();
    JsonNode s = JSON.readTree(out.open("summary").toFile());
    assertThat(out.value("rows")).isEqualTo(21L);
    assertThat(out.value("columns")).isEqualTo(5);
    assertThat(out.value("missing-cells")).isEqualTo(2L);
    JsonNode x = column(s, "x");
    double[] v = xs();
    double mean = Arrays.stream(v).sum() / v.length;
    double ss = 0;
    for (double d : v) ss += (d - mean) * (d - mean);
    double std = Math.sqrt(ss / (v.length - 1));
    assertThat(x.path("kind").asText()).isEqualTo("numeric");
    assertThat(x.path("count").asLong()).isEqualTo(20);
    assertThat(x.path("missing").asLong()).isEqualTo(1);
    assertThat(x.path("missing-percent").asDouble()).isCloseTo(100.0 / 21, within(1e-12));
    assertThat(x.path("distinct").asLong()).isEqualTo(20);
    assertThat(x.path("min").asDouble()).isEqualTo(1.0);
    assertThat(x.path("max").asDouble()).isEqualTo(1000.0);
    assertThat(x.path("mean").asDouble()).isCloseTo(mean, within(1e-9)).isCloseTo(1204.0 / 20, within(1e-9));
    assertThat(x.path("std").asDouble()).isCloseTo(std, within(1e-9));
    String[] names = {"p1", "p5", "p25", "p50", "p75", "p95", "p99"};
    double[] qs = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
    for (int i = 0; i < names.length; i++) assertThat(x.path("quantiles").path(names[i]).asDouble()).as(names[i]).isCloseTo(quantile(v, qs[i]), within(1e-9));
    assertThat(x.path("quantiles").path("p50").asDouble()).isEqualTo(11.5);
    double q1 = quantile(v, 0.25);
    double q3 = quantile(v, 0.75);
    long iqr = Arrays.stream(v).filter(d -> d < q1 - 1.5 * (q3 - q1) || d > q3 + 1.5 * (q3 - q1)).count();
    long z = Arrays.stream(v).filter(d -> Math.abs(d - mean) / std > 3).count();
    assertThat(x.path("outliers").path("iqr").asLong()).isEqualTo(iqr).isEqualTo(1);
    assertThat(x.path("outliers").path("z").asLong()).isEqualTo(z).isEqualTo(1);
    long binned = 0;
    for (JsonNode n : x.path("histogram").path("counts")) binned += n.asLong();
    assertThat(binned).isEqualTo(20);
    JsonNode c = column(s, "c");
    assertThat(c.path("kind").asText()).isEqualTo("categorical");
    assertThat(c.path("missing").asLong()).isEqualTo(1);
    assertThat(c.path("distinct").asLong()).isEqualTo(3);
    assertThat(c.path("top").get(0).path("value").asText()).isEqualTo("a");
    assertThat(c.path("top").get(0).path("count").asLong()).isEqualTo(7);
    assertThat(c.path("top").get(1).path("value").asText()).isEqualTo("c");
    assertThat(c.path("top").get(1).path("count").asLong()).isEqualTo(7);
    assertThat(c.path("top").get(2).path("count").asLong()).isEqualTo(6);
    // the target's classes and the per-class summary of x
    assertThat(s.path("target").path("treated-as").asText()).isEqualTo("classes");
    assertThat(s.path("target").path("from").asText()).isEqualTo("target:");
    assertThat(s.path("target").path("classes").path("no").asLong()).isEqualTo(10);
    JsonNode xNo = s.path("target").path("relationships").path("x").path("classes").path("no");
    assertThat(xNo.path("count").asLong()).isEqualTo(9);
    assertThat(xNo.path("mean").asDouble()).isCloseTo((1 + 2 + 3 + 4 + 5 + 7 + 8 + 9 + 10) / 9.0, within(1e-9));
    JsonNode dYes = s.path("target").path("relationships").path("d").path("categories").path("u");
    assertThat(dYes.path("count").asLong()).isEqualTo(11);
    assertThat(dYes.path("shares").get(1).asDouble()).isCloseTo(6 / 11.0, within(1e-12));
    assertThat(out.value("plots")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsKeys("histogram-x", "histogram-y", "bars-c", "bars-d", "pearson", "spearman", "cramers-v", "target-x", "target-c");
    String html = Files.readString(out.open("report"));
    assertThat(html).contains("<h1>Data profile: small.csv</h1>").contains("data:image/png;base64,").doesNotContain("<script");
  }

  @Test
  void pearsonAndSpearmanMatchADirectComputation() throws Exception {
    small();
    JsonNode s = JSON.readTree(profile("data: small.csv").assertSucceeded().open("summary").toFile());
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      if (i == 5) continue;
      xs.add(i < 20 ? i + 1.0 : 1000.0);
      ys.add(2.0 * i + i % 3);
    }
    int n = xs.size();
    double mx = xs.stream().mapToDouble(d -> d).average().orElseThrow();
    double my = ys.stream().mapToDouble(d -> d).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (xs.get(i) - mx) * (ys.get(i) - my);
      sxx += (xs.get(i) - mx) * (xs.get(i) - mx);
      syy += (ys.get(i) - my) * (ys.get(i) - my);
    }
    JsonNode pearson = s.path("correlations").path("pearson");
    assertThat(pearson.path("columns").toString()).isEqualTo("[\"x\",\"y\"]");
    assertThat(pearson.path("matrix").get(0).get(1).asDouble()).isCloseTo(sxy / Math.sqrt(sxx * syy), within(1e-12));
    // x rises strictly; y = 2i + i % 3 holds one tie (6 at i = 2 and 3), so its ranks there are 2.5 and 2.5
    double[] ry = new double[n];
    for (int i = 0; i < n; i++) {
      double below = 0;
      double same = 0;
      for (int j = 0; j < n; j++) {
        if (ys.get(j) < ys.get(i)) below++;
        else if (ys.get(j).equals(ys.get(i))) same++;
      }
      ry[i] = below + (same + 1) / 2;
    }
    double mr = (n + 1) / 2.0;
    double a = 0;
    double bb = 0;
    double cc = 0;
    for (int i = 0; i < n; i++) {
      a += (i + 1 - mr) * (ry[i] - mr);
      bb += (i + 1 - mr) * (i + 1 - mr);
      cc += (ry[i] - mr) * (ry[i] - mr);
    }
    assertThat(s.path("correlations").path("spearman").path("matrix").get(0).get(1).asDouble()).isCloseTo(a / Math.sqrt(bb * cc), within(1e-12));
    assertThat(s.path("correlations").path("cramers-v").path("columns").toString()).isEqualTo("[\"c\",\"d\",\"label\"]");
  }

  @Test
  void spearmanAveragesTiedRanks() {
    // ranks of y: 1, 2, 3.5, 5, 3.5 (mean 3); with x's ranks 1..5: sxy = 8, sxx = 10, syy = 9.5
    Double rho = dev.kiln.data.profile.Correlations.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7});
    assertThat(rho).isCloseTo(8 / Math.sqrt(10 * 9.5), within(1e-12));
    // a missing value leaves its row out of the pair
    assertThat(dev.kiln.data.profile.Correlations.spearman(new double[] {1, 2, Double.NaN, 3}, new double[] {3, 2, 9, 1})).isCloseTo(-1.0, within(1e-12));
  }

  @Test
  void cramersVOfAKnownContingencyTable() {
    // n = 100, expected [[12, 18], [28, 42]]: chi2 = 4/12 + 4/18 + 4/28 + 4/42 = 0.793650..., V = sqrt(chi2 / 100)
    assertThat(dev.kiln.data.profile.Correlations.cramersV(new long[][] {{10, 20}, {30, 40}})).isCloseTo(0.0890870806, within(1e-9));
    assertThat(dev.kiln.data.profile.Correlations.cramersV(new long[][] {{5, 0, 0}, {0, 7, 0}, {0, 0, 9}})).isCloseTo(1.0, within(1e-12));
    assertThat(dev.kiln.data.profile.Correlations.cramersV(new long[][] {{5, 5}})).isNull();
  }

  @Test
  void cramersVThroughTheStepMatchesTheTable() throws Exception {
    StringBuilder b = new StringBuilder("a,b\n");
    int[][] table = {{10, 20}, {30, 40}};
    for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < table[i][j]; k++) b.append(i == 0 ? "p" : "q").append(',').append(j == 0 ? "r" : "s").append('\n');
    Files.writeString(dir.resolve("t.csv"), b.toString());
    JsonNode s = JSON.readTree(profile("data: t.csv").assertSucceeded().open("summary").toFile());
    assertThat(s.path("correlations").path("cramers-v").path("matrix").get(0).get(1).asDouble()).isCloseTo(0.0890870806, within(1e-9));
  }

  @Test
  void theSameInputGivesTheSameBytes() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Files.createDirectories(a);
    Files.createDirectories(b);
    String with = "data: data/titanic.csv\ntarget: Survived\nsample: 500";
    StepOutcome one = StepHarness.of(new ProfileStep(), a).projectDir(REPO).run(with).assertSucceeded();
    StepOutcome two = StepHarness.of(new ProfileStep(), b).projectDir(REPO).run(with).assertSucceeded();
    assertThat(one.artifact("report").sha256()).isEqualTo(two.artifact("report").sha256());
    assertThat(one.artifact("summary").sha256()).isEqualTo(two.artifact("summary").sha256());
    assertThat(one.value("plots")).isEqualTo(two.value("plots"));
    JsonNode s = JSON.readTree(one.open("summary").toFile());
    assertThat(s.path("sample").path("rows").asInt()).isEqualTo(500);
    assertThat(column(s, "Name").path("kind").asText()).isEqualTo("text");
  }

  @Test
  void aParquetDatasetNamesItsTargetInItsMetadata() throws Exception {
    Path pq = dir.resolve("iris.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT * FROM read_csv('" + REPO.resolve("data/iris.csv") + "', header=true)) TO '" + pq + "' (FORMAT parquet, KV_METADATA {'kiln.roles': '{\"target\": \"species\"}', 'kiln.split': 'train'})");
    }
    StepHarness<ProfileStep.Params> h = StepHarness.of(new ProfileStep(), dir);
    Artifact data = h.importFile(pq);
    StepOutcome out = h.run(Map.of("data", data)).assertSucceeded();
    JsonNode s = JSON.readTree(out.open("summary").toFile());
    assertThat(s.path("rows").asLong()).isEqualTo(150);
    assertThat(s.path("target").path("column").asText()).isEqualTo("species");
    assertThat(s.path("target").path("from").asText()).isEqualTo("the dataset's kiln.roles");
    assertThat(s.path("target").path("classes").toString()).isEqualTo("{\"setosa\":50,\"versicolor\":50,\"virginica\":50}");
    assertThat(column(s, "petal_length").path("mean").asDouble()).isCloseTo(3.758, within(1e-9));
    assertThat(s.path("split").asText()).isEqualTo("train");
    assertThat(Files.readString(out.open("report"))).contains("<td>iris.parquet (split: train)</td>");
  }

  @Test
  void rolesThatAreNotJsonAreInvalidInput() throws Exception {
    Path pq = dir.resolve("bad.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT 1 AS a) TO '" + pq + "' (FORMAT parquet, KV_METADATA {'kiln.roles': 'target=a'})");
    }
    StepHarness<ProfileStep.Params> h = StepHarness.of(new ProfileStep(), dir);
    assertThat(h.run(Map.of("data", h.importFile(pq))).failure()).isInstanceOf(InvalidInput.class)
        .hasMessageStartingWith("bad.parquet: the Parquet metadata kiln.roles is not JSON: ");
  }

  @Test
  void datesAndListsGetCountsAndNoNumbers() throws Exception {
    Path pq = dir.resolve("odd.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT DATE '2024-01-01' + CAST(i AS INTEGER) AS day, [i, i + 1] AS pair, {'k': i % 2} AS rec, i AS n FROM range(10) r(i)) TO '" + pq + "' (FORMAT parquet)");
    }
    StepHarness<ProfileStep.Params> h = StepHarness.of(new ProfileStep(), dir);
    StepOutcome out = h.run(Map.of("data", h.importFile(pq))).assertSucceeded();
    JsonNode s = JSON.readTree(out.open("summary").toFile());
    assertThat(column(s, "day").path("kind").asText()).isEqualTo("datetime");
    assertThat(column(s, "day").path("min").asText()).isEqualTo("2024-01-01");
    assertThat(column(s, "day").path("max").asText()).isEqualTo("2024-01-10");
    assertThat(column(s, "pair").path("kind").asText()).isEqualTo("other");
    assertThat(column(s, "pair").path("distinct").asLong()).isEqualTo(10);
    assertThat(column(s, "rec").path("distinct").asLong()).isEqualTo(2);
    assertThat(column(s, "n").path("quantiles").path("p50").asDouble()).isEqualTo(4.5);
  }

  @Test
  void anUnknownColumnNamesTheClosestOne() throws Exception {
    small();
    StepOutcome out = profile("data: small.csv\ncolumns: [x, lable]");
    assertThat(out.failure()).isInstanceOf(InvalidInput.class).hasMessage("small.csv: columns: no column \"lable\"\n  hint: did you mean \"label\"?");
  }

  @Test
  void excludedColumnsAreLeftOutAndMustExist() throws Exception {
    small();
    StepOutcome out = profile("data: small.csv\nexclude: [y, d]").assertSucceeded();
    assertThat(out.value("columns")).isEqualTo(3);
    assertThat(profile("data: small.csv\nexclude: [z]").failure()).isInstanceOf(InvalidInput.class)
        .hasMessage("small.csv: exclude: no column \"z\"\n  hint: did you mean \"x\"?");
  }

  @Test
  void aTargetThatIsNotAColumnIsInvalidInput() throws Exception {
    small();
    assertThat(profile("data: small.csv\ntarget: price").failure()).isInstanceOf(InvalidInput.class)
        .hasMessage("small.csv: target: no column \"price\"\n  hint: columns: x, y, c, d, label");
  }

  @Test
  void aMissingFileIsReportedAtItsLine() {
    assertThat(profile("data: nowhere.csv").problems()).extracting(ParamProblem::format)
        .singleElement().asString().startsWith("with.yaml:1:7: error[E122]: steps.step: input file nowhere.csv does not exist");
  }

  @Test
  void anEmptyFileHasNoRowsToProfile() throws Exception {
    Files.writeString(dir.resolve("empty.csv"), "a,b\n");
    assertThat(profile("data: empty.csv").failure()).isInstanceOf(InvalidInput.class)
        .hasMessage("empty.csv: no rows to profile (the file is empty or holds only a header line)");
  }

  @Test
  void aRowOfTheWrongWidthIsInvalidInput() throws Exception {
    Files.writeString(dir.resolve("ragged.csv"), "a,b\n1,2\n3,4,5\n6,7\n");
    assertThat(profile("data: ragged.csv").failure()).isInstanceOf(InvalidInput.class)
        .hasMessageStartingWith("ragged.csv: cannot read the CSV file: ")
        .hasMessageEndingWith("\n  hint: the first line must name the columns and every row hold as many fields; check delimiter: and missing:");
  }

  @Test
  void aLongDelimiterIsReportedAsKilnValidateWould() {
    assertThat(StepHarness.of(new ProfileStep(), dir).check("data: x.csv\ndelimiter: ';;'")).extracting(ParamProblem::format)
        .contains("with.yaml:2:12: error[E123]: steps.step.with.delimiter: the delimiter must be one character, found \";;\"\n  hint: e.g. ',' ';' '|' or \\t");
  }

  @Test
  void profilesAmesWithANumericTarget() throws Exception {
    long t0 = System.nanoTime();
    StepOutcome out = StepHarness.of(new ProfileStep(), dir).projectDir(REPO).run("data: data/ames.csv\ntarget: Sale_Price").assertSucceeded();
    System.out.printf("ProfileStepTest: data/profile of data/ames.csv took %.2fs (%s)%n", (System.nanoTime() - t0) / 1e9, out.logs());
    JsonNode s = JSON.readTree(out.open("summary").toFile());
    assertThat(s.path("rows").asLong()).isEqualTo(2930);
    assertThat(s.path("target").path("treated-as").asText()).isEqualTo("numeric");
    JsonNode area = s.path("target").path("relationships").path("Gr_Liv_Area");
    assertThat(area.path("kind").asText()).isEqualTo("correlation");
    assertThat(area.path("pearson").asDouble()).isBetween(0.6, 0.8);
    assertThat(s.path("target").path("relationships").path("Neighborhood").path("kind").asText()).isEqualTo("mean-per-category");
    assertThat(StepHarness.of(new ProfileStep(), dir).projectDir(REPO).run("data: data/ames.csv\ntarget: SalePrice").failure()).isInstanceOf(InvalidInput.class)
        .hasMessage("ames.csv: target: no column \"SalePrice\"\n  hint: did you mean \"Sale_Price\"?");
  }
}
