package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln serve} as users start it (the CLI jar, in its own process): it serves the champion,
 * predicts what batch tribuo/predict predicts, answers bad requests with 4xx naming the problem,
 * and swaps to a newly promoted version under load without dropping a request.
 */
class ServeIT {
  static final String ROWS = """
      sepal_length,sepal_width,petal_length,petal_width
      5.1,3.5,1.4,0.2
      6.2,2.9,4.3,1.3
      7.7,3.0,6.1,2.3
      5.9,3.0,5.1,1.8
      6.0,2.2,5.0,1.5
      4.9,2.5,4.5,1.7
      """;

  @TempDir Path dir;
  Process server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  @Test
  void servesTheChampionLikeBatchPredictionAndSwapsUnderLoad() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("data/new.csv"), ROWS);
    Files.writeString(dir.resolve("gate.yaml"), GateTest.PIPELINE + """
          predict:
            uses: tribuo/predict
            with: {model: "${{ steps.train.outputs.model }}", data: data/new.csv}
        """);
    Cli cli = Cli.in(dir).with("CI", "true").with("BRANCH_NAME", "main");
    Cli.Result run = cli.run("run", "gate.yaml", "--export", "predict.predictions=batch.csv");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(cli.run("promote", "iris", "1").exit()).isZero();
    Cli.Result second = cli.run("run", "gate.yaml", "-p", "depth=2");
    assertThat(second.exit()).as(second.err()).isZero();

    String base = start(cli);
    HttpClient http = HttpClient.newHttpClient();
    assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);

    // the same rows as batch prediction: same classes, same probabilities
    HttpResponse<String> csv = post(http, base + "/v1/models/iris/predict", "text/csv", ROWS);
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    JsonNode served = Json.read(csv.body());
    assertThat(served.path("version").asInt()).isEqualTo(1);
    List<String> batch = Files.readAllLines(dir.resolve("batch.csv"));
    List<String> header = List.of(batch.get(0).replace("\"", "").split(","));
    assertThat(served.path("predictions")).hasSize(batch.size() - 1);
    for (int i = 1; i < batch.size(); i++) {
      String[] cells = batch.get(i).split(",");
      JsonNode p = served.path("predictions").get(i - 1);
      assertThat(p.path("prediction").asText()).isEqualTo(cells[header.indexOf("prediction")]);
      assertThat(p.has("probabilities")).as("probabilities exactly when batch prediction gives them").isEqualTo(header.contains("p(setosa)"));
      for (String label : header.contains("p(setosa)") ? List.of("setosa", "versicolor", "virginica") : List.<String>of()) {
        assertThat(p.path("probabilities").path(label).asDouble()).isCloseTo(Double.parseDouble(cells[header.indexOf("p(" + label + ")")]), org.assertj.core.data.Offset.offset(1e-6));
      }
    }
    String row = "{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}";
    HttpResponse<String> one = post(http, base + "/v1/models/iris/predict", "application/json", row);
    assertThat(Json.read(one.body()).path("predictions").get(0).path("prediction").asText()).isEqualTo("setosa");

    // malformed requests: 4xx with a body that says what is wrong
    HttpResponse<String> missing = post(http, base + "/v1/models/iris/predict", "application/json", "{\"rows\": [{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4}]}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(Json.read(missing.body()).path("field").asText()).isEqualTo("petal_width");
    HttpResponse<String> typed = post(http, base + "/v1/models/iris/predict", "application/json", row.replace("5.1", "\"wide\""));
    assertThat(typed.statusCode()).isEqualTo(400);
    assertThat(typed.body()).contains("sepal_length").contains("must be a number");
    assertThat(post(http, base + "/v1/models/iris/predict", "application/json", "{nope").statusCode()).isEqualTo(400);
    assertThat(post(http, base + "/v1/models/iris/predict", "application/json", "[]").body()).contains("no rows");
    assertThat(post(http, base + "/v1/models/iris/predict", "application/json", "[" + (row + ",").repeat(20000) + row + "]").statusCode()).isEqualTo(413);
    assertThat(post(http, base + "/v1/models/tulips/predict", "application/json", row).statusCode()).isEqualTo(404);

    // hot swap: 4 clients keep predicting while version 2 is promoted; none gets an error
    AtomicBoolean going = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    Map<Integer, Integer> versions = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread c = new Thread(() -> {
        while (going.get()) {
          try {
            HttpResponse<String> r = post(http, base + "/v1/models/iris/predict", "application/json", row);
            if (r.statusCode() != 200) failures.add(r.statusCode() + " " + r.body());
            else {
              ok.incrementAndGet();
              versions.merge(Json.read(r.body()).path("version").asInt(), 1, Integer::sum);
            }
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      });
      c.start();
      clients.add(c);
    }
    Thread.sleep(500);
    Cli.Result promoted = cli.run("promote", "iris", "2", "--force", "--reason", "swap under load");
    assertThat(promoted.exit()).as(promoted.err()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!versions.containsKey(2) && System.nanoTime() < deadline) Thread.sleep(50);
    Thread.sleep(500);
    going.set(false);
    for (Thread c : clients) c.join();
    assertThat(failures).as("requests dropped or failed during the swap").isEmpty();
    assertThat(versions).containsKeys(1, 2);
    assertThat(ok.get()).isGreaterThan(20);

    String metrics = get(http, base + "/metrics").body();
    assertThat(metrics).contains("kiln_serve_requests_total{model=\"iris\",status=\"200\"}")
        .contains("kiln_serve_requests_total{model=\"iris\",status=\"400\"}")
        .contains("kiln_serve_request_duration_seconds_bucket")
        .contains("kiln_serve_model_version{alias=\"champion\",model=\"iris\"} 2.0")
        .contains("kiln_serve_model_swaps_total{model=\"iris\"} 1.0");
  }

  static final String EXPORT = """
      name: ship
      steps:
        ingest:
          uses: tribuo/ingest
          with: {data: data/iris.csv, target: species, split: {test: 0.4, seed: 3}}
        features:
          uses: tribuo/features
          with: {data: "${{ steps.ingest.outputs.train }}", scale: standard}
        train:
          uses: tribuo/train
          with: {data: "${{ steps.ingest.outputs.train }}", transform: "${{ steps.features.outputs.transform }}", algorithm: logistic-regression, seed: 1}
        export:
          uses: kiln/export
          with: {model: "${{ steps.train.outputs.model }}", name: iris, onnx: required}
        tree:
          uses: tribuo/train
          with: {data: "${{ steps.ingest.outputs.train }}", algorithm: cart, seed: 1}
        export-tree:
          uses: kiln/export
          with: {model: "${{ steps.tree.outputs.model }}", name: iris-tree}
        predict:
          uses: tribuo/predict
          with: {model: "${{ steps.train.outputs.model }}", data: data/new.csv}
      """;

  /**
   * kiln/export: the bundle's files match the manifest's checksums; its ONNX graph, fed as the
   * manifest says, gives batch prediction's probabilities; a tree gets a bundle without ONNX (and
   * onnx: required fails the run); and the bundle alone, copied elsewhere with an empty KILN_HOME,
   * serves what batch prediction predicts.
   */
  @Test
  void anExportedBundleIsSelfContainedAndItsOnnxGraphAgreesWithTribuo() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("data/new.csv"), ROWS);
    Files.writeString(dir.resolve("ship.yaml"), EXPORT);
    Cli cli = Cli.in(dir);
    Cli.Result run = cli.run("run", "ship.yaml", "--export", "export.bundle=iris-bundle.zip", "--export", "export-tree.bundle=tree-bundle.zip",
        "--export", "predict.predictions=batch.csv");
    assertThat(run.exit()).as(run.err()).isZero();

    Map<String, byte[]> files = unzip(dir.resolve("iris-bundle.zip"));
    assertThat(files.keySet()).containsExactlyInAnyOrder("model.tribuo", "transform.json", "card.json", "model.onnx", "README.md", "kiln-export.json");
    JsonNode manifest = Json.read(new String(files.get("kiln-export.json"), StandardCharsets.UTF_8));
    assertThat(manifest.path("name").asText()).isEqualTo("iris");
    assertThat(manifest.path("inputs").findValuesAsText("name")).containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    manifest.path("files").fields().forEachRemaining(f -> assertThat(dev.kiln.engine.artifact.ArtifactStore.hash(files.get(f.getKey()))).as(f.getKey()).isEqualTo(f.getValue().asText()));
    assertThat(manifest.path("files").size()).isEqualTo(files.size() - 1);

    // the ONNX graph over the encoded features, columns in the manifest's order
    var tf = dev.kiln.tribuo.data.DatasetFile.json().readValue(files.get("transform.json"), dev.kiln.tribuo.features.Transform.class);
    List<String> lines = ROWS.strip().lines().toList();
    List<String> names = List.of(lines.get(0).split(","));
    int n = lines.size() - 1;
    List<dev.kiln.tribuo.data.Schema.Column> columns = new ArrayList<>();
    Object[] data = new Object[names.size()];
    for (int c = 0; c < names.size(); c++) {
      columns.add(new dev.kiln.tribuo.data.Schema.Column(names.get(c), dev.kiln.tribuo.data.ColumnType.NUMERIC));
      double[] v = new double[n];
      for (int r = 0; r < n; r++) v[r] = Double.parseDouble(lines.get(r + 1).split(",")[c]);
      data[c] = v;
    }
    var table = new dev.kiln.tribuo.data.Table(new dev.kiln.tribuo.data.Schema(columns, null, tf.input().task(), null), data, n);
    var enc = tf.apply(table, "rows");
    List<String> order = new ArrayList<>();
    manifest.path("onnx").path("input").path("features").forEach(f -> order.add(f.asText()));
    assertThat(order).as("ONNX input columns").containsExactlyInAnyOrderElementsOf(enc.featureNames());
    float[][] x = new float[n][order.size()];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < enc.index()[r].length; i++) x[r][order.indexOf(enc.featureNames().get(enc.index()[r][i]))] = (float) enc.value()[r][i];
    }
    List<String> labels = new ArrayList<>();
    manifest.path("onnx").path("output-columns").forEach(l -> labels.add(l.asText()));
    List<String> batch = Files.readAllLines(dir.resolve("batch.csv"));
    List<String> header = List.of(batch.get(0).replace("\"", "").split(","));
    assertThat(labels).as("ONNX output columns vs " + header).allMatch(l -> header.contains("p(" + l + ")"));
    var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
    try (var session = env.createSession(files.get("model.onnx"));
        var input = ai.onnxruntime.OnnxTensor.createTensor(env, x);
        var result = session.run(Map.of(manifest.path("onnx").path("input").path("name").asText(), input))) {
      float[][] probs = (float[][]) result.get(0).getValue();
      for (int r = 0; r < n; r++) {
        String[] cells = batch.get(r + 1).split(",");
        int best = 0;
        for (int k = 1; k < labels.size(); k++) if (probs[r][k] > probs[r][best]) best = k;
        assertThat(labels.get(best)).as("row " + r).isEqualTo(cells[header.indexOf("prediction")]);
        for (int k = 0; k < labels.size(); k++) {
          assertThat((double) probs[r][k]).as("p(" + labels.get(k) + ") row " + r)
              .isCloseTo(Double.parseDouble(cells[header.indexOf("p(" + labels.get(k) + ")")]), org.assertj.core.data.Offset.offset(1e-4));
        }
      }
    }

    // no ONNX export for a tree: the bundle says why; onnx: required makes it a failed run
    JsonNode tree = Json.read(new String(unzip(dir.resolve("tree-bundle.zip")).get("kiln-export.json"), StandardCharsets.UTF_8));
    assertThat(tree.path("onnx").path("exported").asBoolean(true)).isFalse();
    assertThat(tree.path("onnx").path("reason").asText()).contains("has no ONNX export");
    Files.writeString(dir.resolve("ship.yaml"), EXPORT.replace("name: iris-tree}", "name: iris-tree, onnx: required}"));
    Cli.Result required = cli.run("run", "ship.yaml");
    assertThat(required.exit()).as("invalid input to a step").isEqualTo(2);
    assertThat(required.err()).contains("onnx: required, but").contains("has no ONNX export").doesNotContain("Exception");

    // the bundle alone: another directory, an empty KILN_HOME
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.copy(dir.resolve("iris-bundle.zip"), elsewhere.resolve("iris-bundle.zip"));
    String base = start(Cli.in(elsewhere), elsewhere, "iris-bundle.zip");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> csv = post(http, base + "/v1/models/iris/predict", "text/csv", ROWS);
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    JsonNode served = Json.read(csv.body());
    for (int r = 0; r < n; r++) {
      String[] cells = batch.get(r + 1).split(",");
      assertThat(served.path("predictions").get(r).path("prediction").asText()).isEqualTo(cells[header.indexOf("prediction")]);
      assertThat(served.path("predictions").get(r).path("probabilities").path("virginica").asDouble())
          .isCloseTo(Double.parseDouble(cells[header.indexOf("p(virginica)")]), org.assertj.core.data.Offset.offset(1e-6));
    }
    assertThat(Json.read(get(http, base + "/v1/models").body()).path("models").get(0).path("bundle").asText()).endsWith("iris-bundle.zip");
    assertThat(Files.exists(elsewhere.resolve(".kiln/kiln.mv.db"))).as("serving a bundle needs no store").isFalse();
  }

  static final String BUNDLE = """
      name: bundle
      steps:
        ingest:
          uses: tribuo/ingest
          with: {data: data/iris.csv, target: species, split: {test: 0.4, seed: 3}}
        features:
          uses: tribuo/features
          with: {data: "${{ steps.ingest.outputs.train }}", scale: standard, derive: {ratio: "petal_length / petal_width"}}
        train:
          uses: tribuo/train
          with: {data: "${{ steps.ingest.outputs.train }}", transform: "${{ steps.features.outputs.transform }}", algorithm: logistic-regression, seed: 1}
        export:
          uses: kiln/export
          with: {model: "${{ steps.train.outputs.model }}", name: iris, onnx: "off"}
      """;
  static final String ROW = "{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}";

  /** Trains a logistic regression on standardised iris features (and a derived ratio) and exports it to {@code iris-bundle.zip} in {@link #dir}. */
  private Cli exportBundle() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("bundle.yaml"), BUNDLE);
    Cli cli = Cli.in(dir);
    Cli.Result run = cli.run("run", "bundle.yaml", "--export", "export.bundle=iris-bundle.zip");
    assertThat(run.exit()).as(run.err()).isZero();
    return cli;
  }

  /**
   * A chunked body carries no Content-Length, so the limit must hold on the bytes read: a chunked
   * body over --max-body-bytes is a 413 (valid rows or not), and the server keeps serving.
   */
  @Test
  void aChunkedBodyOverTheLimitIsRefusedWith413AndTheServerKeepsServing() throws Exception {
    Cli cli = exportBundle();
    String base = start(cli, dir, "iris-bundle.zip", "--max-body-bytes", "65536");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String url = base + "/v1/models/iris/predict";
    byte[] rows = ("[" + (ROW + ",").repeat(3000) + ROW + "]").getBytes(StandardCharsets.UTF_8);
    assertThat(rows.length).isGreaterThan(65536 * 3);
    HttpResponse<String> chunked = chunked(http, url, () -> new java.io.ByteArrayInputStream(rows));
    assertThat(chunked.statusCode()).as(chunked.body().substring(0, Math.min(300, chunked.body().length()))).isEqualTo(413);
    assertThat(Json.read(chunked.body()).path("error").asText()).isEqualTo("the body is larger than 65536 bytes; send fewer rows per request");
    // a body just under the limit, chunked, is read and scored
    byte[] small = ("[" + (ROW + ",").repeat(9) + ROW + "]").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> fits = chunked(http, url, () -> new java.io.ByteArrayInputStream(small));
    assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
    assertThat(Json.read(fits.body()).path("predictions")).hasSize(10);
    // and the server still answers after refusing
    HttpResponse<String> after = post(HttpClient.newHttpClient(), url, "application/json", ROW);
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    assertThat(get(http, base + "/metrics").body()).contains("kiln_serve_requests_total{model=\"iris\",status=\"413\"} 1.0");

    // a second server on the same port: a message, not an internal error
    String port = base.substring(base.lastIndexOf(':') + 1);
    Cli.Result busy = serveRefused(cli, "iris-bundle.zip", "--port", port);
    assertThat(busy.exit()).as(busy.err()).isEqualTo(2);
    assertThat(busy.err()).contains("kiln: error: cannot listen on 127.0.0.1:" + port + ": the port is in use; stop what holds it, or pick another with --port (0 picks a free one)")
        .doesNotContain("internal error");

    Cli.Result zero = cli.run("serve", "iris-bundle.zip", "--max-body-bytes", "0");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).isEqualTo("kiln: error: --max-body-bytes must be between 1 and 2147483639, found 0\n");
  }

  private static HttpResponse<String> chunked(HttpClient http, String url, java.util.function.Supplier<java.io.InputStream> body) throws Exception {
    // ofInputStream has no length, so the client sends Transfer-Encoding: chunked
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Numbers a double cannot hold (1e400), and finite ones that overflow in the model's feature
   * scaling or its arithmetic, are a 400 naming the row and field, never a 500 with an exception's
   * text; /metrics counts the status that was sent.
   */
  @Test
  void nonFiniteNumbersAreA400NamingTheRowAndFieldAndCountedAs400() throws Exception {
    Cli cli = exportBundle();
    String base = start(cli, dir, "iris-bundle.zip");
    HttpClient http = HttpClient.newHttpClient();
    String url = base + "/v1/models/iris/predict";
    assertThat(post(http, url, "application/json", ROW).statusCode()).isEqualTo(200);
    String hint = "numbers must be finite: a JSON number beyond ±1.7976931348623157E308 (e.g. 1e400) reads as infinite; send null for a missing value";
    Map<String, String> infinite = Map.of(
        "1e400", "row 1: field \"sepal_length\" must be a finite number, found Infinity",
        "-1e400", "row 1: field \"sepal_length\" must be a finite number, found -Infinity",
        "1" + "0".repeat(400), "row 1: field \"sepal_length\" must be a finite number, found Infinity");
    for (var e : infinite.entrySet()) {
      HttpResponse<String> r = post(http, url, "application/json", "[" + ROW + "," + ROW.replace("5.1", e.getKey()) + "]");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      JsonNode body = Json.read(r.body());
      assertThat(body.path("error").asText()).isEqualTo(e.getValue());
      assertThat(body.path("field").asText()).isEqualTo("sepal_length");
      assertThat(body.path("hint").asText()).isEqualTo(hint);
    }
    // finite, but (x - mean) / sd overflows in the feature transform
    HttpResponse<String> max = post(http, url, "application/json", ROW.replace("5.1", "1.7976931348623157e308"));
    assertThat(max.statusCode()).as(max.body()).isEqualTo(400);
    assertThat(Json.read(max.body()).path("error").asText())
        .isEqualTo("row 0: field \"sepal_length\" is out of the model's range: 1.7976931348623157E308 overflows its feature transform");
    assertThat(Json.read(max.body()).path("field").asText()).isEqualTo("sepal_length");
    assertThat(Json.read(max.body()).path("hint").asText()).isEqualTo("send values near the range of the training data");
    // finite after scaling, but the model's own arithmetic overflows
    HttpResponse<String> huge = post(http, url, "application/json", ROW.replace("5.1", "-1e308"));
    assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
    assertThat(Json.read(huge.body()).path("error").asText())
        .isEqualTo("row 0: the model cannot score this row: its arithmetic overflows; field \"sepal_length\" (-1.0E308) is the furthest outside the training data");
    assertThat(Json.read(huge.body()).path("field").asText()).isEqualTo("sepal_length");
    // finite fields, but a derived feature is not
    HttpResponse<String> ratio = post(http, url, "application/json", ROW.replace("1.4", "1e300").replace("0.2", "1e-10"));
    assertThat(ratio.statusCode()).as(ratio.body()).isEqualTo(400);
    assertThat(Json.read(ratio.body()).path("error").asText()).isEqualTo("row 0: derived feature \"ratio\" (petal_length / petal_width) is not a finite number");
    assertThat(Json.read(ratio.body()).path("field").asText()).isEqualTo("ratio");
    // CSV text that parses to infinity
    HttpResponse<String> csv = post(http, url, "text/csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n4.9,Infinity,1.4,0.2\n");
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(400);
    assertThat(Json.read(csv.body()).path("error").asText()).isEqualTo("row 1: field \"sepal_width\" must be a finite number, found \"Infinity\"");
    assertThat(Json.read(csv.body()).path("field").asText()).isEqualTo("sepal_width");
    // a ragged CSV row: Jackson's message without its parser internals
    HttpResponse<String> ragged = post(http, url, "text/csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2,9\n");
    assertThat(ragged.statusCode()).as(ragged.body()).isEqualTo(400);
    assertThat(Json.read(ragged.body()).path("error").asText()).startsWith("the body is not CSV with a header row: ").contains("line 2");
    for (HttpResponse<String> r : List.of(max, huge, ratio, csv, ragged)) {
      assertThat(r.body()).as("no exception text in a response").doesNotContain("Exception").doesNotContain("java.").doesNotContain("Source:");
    }

    String metrics = get(http, base + "/metrics").body();
    assertThat(metrics).contains("kiln_serve_requests_total{model=\"iris\",status=\"200\"} 1.0")
        .contains("kiln_serve_requests_total{model=\"iris\",status=\"400\"} 8.0")
        .doesNotContain("status=\"500\"");
  }

  /**
   * A zip bomb (an entry of a few hundred MB of zeros in a zip of a few hundred KB) is refused
   * before it is inflated whole: exit 2, a message naming the entry and the limit, no stack trace.
   */
  @Test
  void aBundleWithAnEntryOverTheLimitIsRefused() throws Exception {
    Path bomb = dir.resolve("bomb.zip");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("kiln-export.json"));
      zip.write("{\"format\": \"kiln-export/1\", \"name\": \"iris\", \"model-media-type\": \"application/vnd.kiln.model+zip\", \"files\": {\"model.tribuo\": \"0\"}}"
          .getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new java.util.zip.ZipEntry("model.tribuo"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 300; i++) zip.write(zeros); // 300 MiB, over the 256 MiB limit
      zip.closeEntry();
    }
    assertThat(Files.size(bomb)).isLessThan(1 << 20);
    Cli.Result refused = serveRefused(Cli.in(dir), "bomb.zip");
    assertThat(refused.exit()).as(refused.err()).isEqualTo(2);
    assertThat(refused.err()).contains("kiln: error: " + bomb + ": refused: entry \"model.tribuo\" inflates to more than 268435456 bytes (256 MiB), "
        + "the limit for one bundle entry; the file is damaged or was not written by kiln/export").doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** Every entry of a bundle must have the SHA-256 its manifest lists: a changed entry is refused, exit 2, naming it. */
  @Test
  void aBundleWhoseEntryDoesNotMatchItsManifestIsRefused() throws Exception {
    Cli cli = exportBundle();
    Map<String, byte[]> files = unzip(dir.resolve("iris-bundle.zip"));
    byte[] card = files.get("card.json");
    files.put("card.json", (new String(card, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8));
    zip(dir.resolve("tampered.zip"), files);
    Cli.Result tampered = serveRefused(cli, "tampered.zip");
    assertThat(tampered.exit()).as(tampered.err()).isEqualTo(2);
    assertThat(tampered.err()).contains("kiln: error: " + dir.resolve("tampered.zip") + ": refused: entry \"card.json\" does not match the SHA-256 kiln-export.json lists for it; "
        + "the bundle was changed or damaged after export: export the model again").doesNotContain("Exception");

    files.put("card.json", card);
    files.put("extra.bin", new byte[] {1, 2, 3});
    zip(dir.resolve("extra.zip"), files);
    Cli.Result extra = serveRefused(cli, "extra.zip");
    assertThat(extra.exit()).as(extra.err()).isEqualTo(2);
    assertThat(extra.err()).contains("kiln: error: " + dir.resolve("extra.zip") + ": refused: entry \"extra.bin\" is not listed in kiln-export.json; "
        + "the bundle was changed or damaged after export: export the model again");

    files.remove("extra.bin");
    files.remove("README.md");
    zip(dir.resolve("short.zip"), files);
    Cli.Result missing = serveRefused(cli, "short.zip");
    assertThat(missing.exit()).as(missing.err()).isEqualTo(2);
    assertThat(missing.err()).contains("kiln: error: " + dir.resolve("short.zip") + ": refused: kiln-export.json lists \"README.md\", which is not in the zip; "
        + "the bundle was changed or damaged after export: export the model again");

    // every file as the manifest says, but the model in it cannot be read
    Map<String, byte[]> unreadable = unzip(dir.resolve("iris-bundle.zip"));
    byte[] garbage = "not a Tribuo model".getBytes(StandardCharsets.UTF_8);
    unreadable.put("model.tribuo", garbage);
    var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read(new String(unreadable.get("kiln-export.json"), StandardCharsets.UTF_8));
    ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("files")).put("model.tribuo", dev.kiln.engine.artifact.ArtifactStore.hash(garbage));
    unreadable.put("kiln-export.json", Json.write(manifest).getBytes(StandardCharsets.UTF_8));
    zip(dir.resolve("unreadable.zip"), unreadable);
    Cli.Result unread = serveRefused(cli, "unreadable.zip");
    assertThat(unread.exit()).as(unread.err()).isEqualTo(2);
    assertThat(unread.err()).contains("kiln: error: " + dir.resolve("unreadable.zip") + ": not a Kiln model bundle (model.tribuo is not a Tribuo model this version can read: ")
        .contains("\n  hint: export the model again with this version of Kiln\n").doesNotContain("internal error");
  }

  static final String REGISTER = """
      name: reg
      steps:
        ingest:
          uses: tribuo/ingest
          with: {data: data/iris.csv, target: species, split: {test: 0.4, seed: 3}}
        train:
          uses: tribuo/train
          with: {data: "${{ steps.ingest.outputs.train }}", algorithm: cart, seed: 1}
        register:
          uses: kiln/register
          with: {model: "${{ steps.train.outputs.model }}", name: iris}
      """;

  /** A registered model whose file in the store was damaged: exit 2 naming the version and the file, and what to do; the same when started again. */
  @Test
  void aDamagedRegisteredModelIsRefusedNamingTheVersionAndItsFile() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("reg.yaml"), REGISTER);
    Cli cli = Cli.in(dir);
    Cli.Result run = cli.run("run", "reg.yaml");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(cli.run("promote", "iris", "1", "--force", "--reason", "test").exit()).isZero();
    String sha = Json.read(cli.run("models", "iris", "--json").out()).path("versions").get(0).path("artifact").asText();
    Path file = dir.resolve(".kiln/artifacts").resolve(sha);
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x55;
    Files.write(file, b);

    String runId = Json.read(cli.run("models", "iris", "--json").out()).path("versions").get(0).path("run").asText();
    String hint = "  hint: restore it from a backup of KILN_HOME, rebuild it with `kiln reproduce " + runId + "` (the run that registered it), or serve another version";
    Cli.Result damaged = serveRefused(cli, "iris@champion");
    assertThat(damaged.exit()).as(damaged.err()).isEqualTo(2);
    assertThat(damaged.err()).contains("kiln: error: iris version 1: its model file " + file + " is damaged: its content does not match the SHA-256 the registry recorded; "
        + "it was moved aside to " + file + ".corrupt").contains(hint).doesNotContain("internal error").doesNotContain("Exception");
    Cli.Result again = serveRefused(cli, "iris:1");
    assertThat(again.exit()).as(again.err()).isEqualTo(2);
    assertThat(again.err()).contains("kiln: error: iris version 1: its model file " + file + " is damaged: it failed its hash check earlier and was moved aside to "
        + file + ".corrupt").contains(hint);
  }

  private static void zip(Path to, Map<String, byte[]> files) throws Exception {
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
      for (var e : files.entrySet()) {
        zip.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
        zip.write(e.getValue());
      }
    }
  }

  private static Map<String, byte[]> unzip(Path zip) throws Exception {
    Map<String, byte[]> out = new java.util.LinkedHashMap<>();
    try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
      java.util.zip.ZipEntry e;
      while ((e = in.getNextEntry()) != null) out.put(e.getName(), in.readAllBytes());
    }
    return out;
  }

  private String start(Cli cli) throws Exception {
    return start(cli, dir, "iris@champion");
  }

  private String start(Cli cli, Path in, String target, String... options) throws Exception {
    Path jar = Path.of("target/kiln-cli.jar").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(ResumeAfterKillIT.javaBin(), "-jar", jar.toString(), "serve", target, "--port", "0", "--poll-ms", "200"));
    command.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true);
    pb.environment().putAll(cli.env());
    server = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    Pattern listening = Pattern.compile("listening on (http://\\S+)");
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = listening.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe from filling
            }
          } catch (java.io.IOException ignored) {
            // the server stopped
          }
        });
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    throw new AssertionError("kiln serve did not start:\n" + seen);
  }

  /** Starts kiln serve in {@link #dir} expecting it to refuse: its exit code and everything it printed (as err); fails if it starts listening instead. */
  private Cli.Result serveRefused(Cli cli, String target, String... options) throws Exception {
    Path jar = Path.of("target/kiln-cli.jar").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(ResumeAfterKillIT.javaBin(), "-jar", jar.toString(), "serve", target));
    command.addAll(options.length > 0 ? List.of(options) : List.of("--port", "0"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(cli.env());
    Process p = pb.start();
    try {
      // waitFor below has no timeout: a server that hangs while loading is stopped after two minutes
      Thread timeout = new Thread(() -> {
        try {
          if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException ignored) {
          // the test ended
        }
      });
      timeout.setDaemon(true);
      timeout.start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null) {
        seen.append(line).append('\n');
        if (line.startsWith("listening on ")) throw new AssertionError("kiln serve " + target + " started instead of refusing:\n" + seen);
      }
      return new Cli.Result(p.waitFor(), "", seen.toString());
    } finally {
      p.destroyForcibly();
    }
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(HttpClient http, String url, String contentType, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
