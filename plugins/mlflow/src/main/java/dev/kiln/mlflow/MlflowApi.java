package dev.kiln.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The MLflow REST calls Kiln makes: tracking through the Java client (runs, logBatch, search),
 * and what the client cannot do through our own HTTP client — artifact upload and download
 * through the server's proxied artifact API ({@code /api/2.0/mlflow-artifacts/artifacts/...}),
 * dataset inputs ({@code runs/log-inputs}) and the registry's writes. Counts every request, so the
 * benchmark can report them. Both send the credentials of {@link MlflowCredentials}; a 401 or 403
 * from either is an {@link MlflowAccessDenied} saying what to set or check.
 */
final class MlflowApi implements AutoCloseable {
  private final String base;
  private final MlflowClient client;
  private final HttpClient http;
  private final MlflowCredentials credentials;
  final AtomicLong requests = new AtomicLong();

  MlflowApi(String trackingUri, MlflowCredentials credentials) {
    this.base = trackingUri.replaceAll("/+$", "");
    this.credentials = credentials;
    this.client = new MlflowClient(credentials.hostCreds(base));
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (credentials.insecureTls()) b.sslContext(MlflowCredentials.trustingEverything());
    this.http = b.build();
  }

  String base() {
    return base;
  }

  MlflowClient client() {
    return client;
  }

  /** Experiment id by name, created when missing. */
  String experiment(String name) {
    Optional<Service.Experiment> e = byName(name);
    if (e.isPresent()) {
      if (e.get().getLifecycleStage().equals("deleted")) {
        throw new MlflowClientException("experiment \"" + name + "\" is deleted on " + base + "; restore it in MLflow or name another one with tracking.experiment");
      }
      return e.get().getExperimentId();
    }
    requests.incrementAndGet();
    try {
      return call("experiments/create", () -> client.createExperiment(name));
    } catch (MlflowHttpException race) { // a refusal (401, 403) is an MlflowAccessDenied and goes past
      return byName(name).orElseThrow(() -> race).getExperimentId(); // created concurrently
    }
  }

  /** By search rather than get-by-name, whose 404 for a new name the client retries with sleeps. */
  private Optional<Service.Experiment> byName(String name) {
    requests.incrementAndGet();
    String filter = "name = '" + name.replace("'", "\\'") + "'";
    return call("experiments/search", () -> client.searchExperiments(filter, Service.ViewType.ALL, 10, List.of())).getItems().stream().filter(x -> x.getName().equals(name)).findFirst();
  }

  /** The run tagged with this Kiln run id and step key, if an earlier delivery created it. */
  Optional<Service.RunInfo> findRun(String experimentId, String kilnRunId, String stepKey) {
    requests.incrementAndGet();
    String filter = "tags.`kiln.run_id` = '" + kilnRunId + "' and tags.`kiln.step_key` = '" + stepKey.replace("'", "\\'") + "'";
    List<Service.RunInfo> found = call("runs/search", () -> client.searchRuns(List.of(experimentId), filter));
    return found.stream().findFirst();
  }

  Service.RunInfo createRun(String experimentId, String name, long startTime, Map<String, String> tags) {
    Service.CreateRun.Builder b = Service.CreateRun.newBuilder().setExperimentId(experimentId).setRunName(name).setStartTime(startTime);
    tags.forEach((k, v) -> b.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
    if (tags.containsKey("mlflow.user")) b.setUserId(tags.get("mlflow.user"));
    requests.incrementAndGet();
    return call("runs/create", () -> client.createRun(b.build()));
  }

  void logBatch(String runId, List<Service.Metric> metrics, List<Service.Param> params, List<Service.RunTag> tags) {
    requests.incrementAndGet();
    call("runs/log-batch", () -> {
      client.logBatch(runId, metrics, params, tags);
      return null;
    });
  }

  void terminate(String runId, Service.RunStatus status, long endTime) {
    requests.incrementAndGet();
    call("runs/update", () -> {
      client.setTerminated(runId, status, endTime);
      return null;
    });
  }

  void logInputs(String runId, JsonNode datasets) {
    ObjectNode body = Outbox.JSON.createObjectNode().put("run_id", runId);
    body.set("datasets", datasets);
    requests.incrementAndGet();
    call("runs/log-inputs", () -> client.sendPost("runs/log-inputs", body.toString()));
  }

  /** Uploads a file to {@code <artifact root>/<path>} through the server's artifact proxy. */
  void upload(String artifactUri, String path, Path file) throws IOException {
    URI target = URI.create(base + "/api/2.0/mlflow-artifacts/artifacts/" + proxiedPath(artifactUri) + "/" + encodePath(path));
    send(HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(5)).PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), "upload " + path);
  }

  byte[] download(String artifactUri, String path) throws IOException {
    URI target = URI.create(base + "/api/2.0/mlflow-artifacts/artifacts/" + proxiedPath(artifactUri) + "/" + encodePath(path));
    HttpResponse<byte[]> r = sendBytes(HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(5)).GET().build(), "download " + path);
    return r.body();
  }

  /** {@code DELETE} with a JSON body (the Java client has no DELETE), e.g. registered-models/alias. */
  String delete(String endpoint, Map<String, String> body) throws IOException {
    ObjectNode json = Outbox.JSON.createObjectNode();
    body.forEach(json::put);
    URI target = URI.create(base + "/api/2.0/mlflow/" + endpoint);
    return send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString(json.toString())).build(), "DELETE " + endpoint);
  }

  String post(String endpoint, JsonNode body) {
    requests.incrementAndGet();
    return call(endpoint, () -> client.sendPost(endpoint, body.toString()));
  }

  String patch(String endpoint, JsonNode body) {
    requests.incrementAndGet();
    return call(endpoint, () -> client.sendPatch(endpoint, body.toString()));
  }

  /** GET through our own client: the Java client retries a 404 with sleeps, and a missing alias is a plain 404. */
  String get(String endpointWithQuery) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(base + "/api/2.0/mlflow/" + endpointWithQuery)).timeout(Duration.ofSeconds(30)).GET().build(), "GET " + endpointWithQuery);
  }

  private String send(HttpRequest req, String what) throws IOException {
    return new String(sendBytes(req, what).body(), StandardCharsets.UTF_8);
  }

  /** A request of the Java client; a 401 or 403 becomes an {@link MlflowAccessDenied}. */
  private <T> T call(String what, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (MlflowHttpException e) {
      if (MlflowAccessDenied.isRefusal(e.getStatusCode())) throw new MlflowAccessDenied(e.getStatusCode(), credentials.refusal(e.getStatusCode(), base, what));
      throw e;
    }
  }

  private HttpResponse<byte[]> sendBytes(HttpRequest req, String what) throws IOException {
    requests.incrementAndGet();
    HttpRequest.Builder withAuth = HttpRequest.newBuilder(req, (name, value) -> true);
    credentials.authorization().ifPresent(h -> withAuth.setHeader("Authorization", h));
    try {
      HttpResponse<byte[]> r = http.send(withAuth.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (MlflowAccessDenied.isRefusal(r.statusCode())) throw new MlflowAccessDenied(r.statusCode(), credentials.refusal(r.statusCode(), base, what));
      if (r.statusCode() / 100 != 2) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        throw new MlflowHttpException(r.statusCode(), what + " failed", body.length() > 300 ? body.substring(0, 300) : body);
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + what, e);
    }
  }

  /** {@code mlflow-artifacts:/1/<run>/artifacts} -> {@code 1/<run>/artifacts}. */
  static String proxiedPath(String artifactUri) {
    String p = artifactUri;
    if (p.startsWith("mlflow-artifacts:")) {
      p = p.substring("mlflow-artifacts:".length());
      if (p.startsWith("//")) p = p.substring(p.indexOf('/', 2)); // mlflow-artifacts://host:port/path
      return p.replaceAll("^/+", "");
    }
    throw new MlflowClientException("the server stores artifacts at " + artifactUri + ", which Kiln cannot reach without Python;"
        + " start it with proxied artifacts (mlflow server --artifacts-destination DIR, the default since MLflow 2)");
  }

  static String encodePath(String path) {
    StringBuilder b = new StringBuilder();
    for (String part : path.split("/")) {
      if (b.length() > 0) b.append('/');
      b.append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  @Override
  public void close() {
    client.close();
  }
}
