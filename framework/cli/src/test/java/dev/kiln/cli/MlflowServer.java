package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MLflow tracking server for tests, started and stopped with infra/mlflow.sh (SQLite
 * backend and proxied artifacts in {@code dir}), and a small reader of its REST API. With
 * CI=true a server that does not start fails the test; elsewhere the test is aborted, by name.
 * {@link #startWithBasicAuth} starts MLflow's basic-auth app; the reader then authenticates as its admin.
 */
final class MlflowServer implements AutoCloseable {
  static final ObjectMapper M = new ObjectMapper();
  private static final Path SCRIPT = Path.of("../../infra/mlflow.sh").toAbsolutePath().normalize();
  final Path dir;
  final int port;
  final String uri;
  /** The admin's password of a basic-auth server, else null. */
  final String adminPassword;
  private final HttpClient http = HttpClient.newHttpClient();

  private MlflowServer(Path dir, int port, String adminPassword) {
    this.dir = dir;
    this.port = port;
    this.uri = "http://127.0.0.1:" + port;
    this.adminPassword = adminPassword;
  }

  static MlflowServer start(Path dir) throws Exception {
    MlflowServer m = new MlflowServer(dir, freePort(), null);
    m.startAgain();
    return m;
  }

  /** A server that takes only authenticated requests (infra/mlflow.sh --basic-auth), its admin {@code admin} with this password. */
  static MlflowServer startWithBasicAuth(Path dir, String adminPassword) throws Exception {
    MlflowServer m = new MlflowServer(dir, freePort(), adminPassword);
    m.startAgain();
    return m;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  void startAgain() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString(), "start", dir.toString(), String.valueOf(port)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (adminPassword != null) {
      cmd.add("--basic-auth");
      pb.environment().put("MLFLOW_AUTH_ADMIN_PASSWORD", adminPassword);
    }
    Process p = pb.command(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      String msg = "the MLflow server did not start (infra/mlflow.sh start): " + out;
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(msg);
      org.junit.jupiter.api.Assumptions.abort(msg);
    }
  }

  void stop() throws Exception {
    new ProcessBuilder(SCRIPT.toString(), "stop", dir.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  /** A request to the server, as its admin when it has basic auth. */
  private HttpRequest.Builder request(String url) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (adminPassword != null) b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8)));
    return b;
  }

  JsonNode get(String endpoint) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request(uri + "/api/2.0/mlflow/" + endpoint).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError(endpoint + " -> " + r.statusCode() + " " + r.body());
    return M.readTree(r.body());
  }

  JsonNode post(String endpoint, JsonNode body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request(uri + "/api/2.0/mlflow/" + endpoint).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError(endpoint + " -> " + r.statusCode() + " " + r.body());
    return M.readTree(r.body());
  }

  /** Creates a user of a basic-auth server (READ on everything, as the server's default_permission says). */
  void createUser(String name, String password) throws IOException, InterruptedException {
    post("users/create", M.createObjectNode().put("username", name).put("password", password));
  }

  /** Every run (all pages) tagged with this Kiln run id. */
  List<JsonNode> runsOf(String kilnRunId) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    JsonNode exps = post("experiments/search", M.createObjectNode().put("max_results", 1000));
    ObjectNode q = M.createObjectNode();
    var ids = q.putArray("experiment_ids");
    for (JsonNode e : exps.path("experiments")) ids.add(e.get("experiment_id").asText());
    q.put("filter", "tags.`kiln.run_id` = '" + kilnRunId + "'").put("max_results", 1000);
    String token = null;
    do {
      if (token != null) q.put("page_token", token);
      JsonNode page = post("runs/search", q);
      page.path("runs").forEach(out::add);
      token = page.path("next_page_token").asText(null);
    } while (token != null && !token.isEmpty());
    return out;
  }

  static String tag(JsonNode run, String key) {
    for (JsonNode t : run.path("data").path("tags")) if (t.get("key").asText().equals(key)) return t.get("value").asText();
    return null;
  }

  static String param(JsonNode run, String key) {
    for (JsonNode t : run.path("data").path("params")) if (t.get("key").asText().equals(key)) return t.get("value").asText();
    return null;
  }

  List<JsonNode> metricHistory(String runId, String key) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    get("metrics/get-history?run_id=" + runId + "&metric_key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&max_results=25000").path("metrics").forEach(out::add);
    return out;
  }

  /** Paths of every artifact of a run, recursively. */
  List<String> artifacts(String runId, String path) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    JsonNode l = get("artifacts/list?run_id=" + runId + (path.isEmpty() ? "" : "&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)));
    for (JsonNode f : l.path("files")) {
      if (f.path("is_dir").asBoolean()) out.addAll(artifacts(runId, f.get("path").asText()));
      else out.add(f.get("path").asText());
    }
    return out;
  }

  byte[] download(String runId, String path) throws IOException, InterruptedException {
    String artifactUri = get("runs/get?run_id=" + runId).path("run").path("info").path("artifact_uri").asText();
    String p = artifactUri.substring("mlflow-artifacts:".length()).replaceAll("^/+", "");
    HttpResponse<byte[]> r = http.send(request(uri + "/api/2.0/mlflow-artifacts/artifacts/" + p + "/" + path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) throw new AssertionError("download " + path + " -> " + r.statusCode());
    return r.body();
  }
}
