package dev.kiln.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.ModelRegistryMirror;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

/**
 * MLflow's model registry through its REST endpoints (the Java client only reads it): registered
 * models, versions whose source is a tracked step's artifacts, aliases (stages are deprecated).
 * A version's MLflow run is the one the outbox delivered the step as; an undelivered run is
 * delivered first.
 */
final class MlflowRegistry implements ModelRegistryMirror {
  private final Path home;
  private final String uri;
  private final Map<String, String> env;

  /** {@code env} gives the credentials, read at each call: a configuration problem is that call's failure, which Kiln reports as a warning. */
  MlflowRegistry(Path home, String uri, Map<String, String> env) {
    this.home = home;
    this.uri = uri;
    this.env = Map.copyOf(env);
  }

  private MlflowApi api() {
    return new MlflowApi(uri, MlflowCredentials.from(env));
  }

  @Override
  public String createVersion(String model, String runId, String stepKey, String artifactPath, Map<String, String> tags) {
    Path dir = Outbox.root(home).resolve(runId);
    try (MlflowApi api = api()) {
      Delivery.deliver(dir, api);
      ObjectNode state = Delivery.state(dir);
      JsonNode run = state.path("runs").path(stepKey);
      if (run.isMissingNode()) throw new MlflowClientException("step " + stepKey + " of run " + runId + " was not tracked to " + uri);
      try {
        api.post("registered-models/create", Outbox.JSON.createObjectNode().put("name", model));
      } catch (MlflowHttpException e) {
        if (!String.valueOf(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS")) throw e;
      }
      ObjectNode body = Outbox.JSON.createObjectNode().put("name", model)
          .put("source", run.path("artifactUri").asText() + "/" + artifactPath).put("run_id", run.path("id").asText());
      var t = body.putArray("tags");
      tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
      JsonNode created = Outbox.JSON.readTree(api.post("model-versions/create", body));
      return created.path("model_version").path("version").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(MlflowTracker.reason(e), e);
    } catch (MlflowClientException e) {
      throw new MlflowClientException(MlflowTracker.reason(e), e);
    }
  }

  @Override
  public void setAlias(String model, String alias, String version) {
    try (MlflowApi api = api()) {
      api.post("registered-models/alias", Outbox.JSON.createObjectNode().put("name", model).put("alias", alias).put("version", version));
    }
  }

  @Override
  public void deleteAlias(String model, String alias) {
    try (MlflowApi api = api()) {
      api.delete("registered-models/alias", Map.of("name", model, "alias", alias));
    } catch (MlflowHttpException e) {
      if (e.getStatusCode() != 404 && !String.valueOf(e.getBodyMessage()).contains("not found")) throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String versionOf(String model, String alias) {
    try (MlflowApi api = api()) {
      String q = "registered-models/alias?name=" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "&alias=" + URLEncoder.encode(alias, StandardCharsets.UTF_8);
      return Outbox.JSON.readTree(api.get(q)).path("model_version").path("version").asText(null);
    } catch (MlflowHttpException e) {
      // MLflow answers a missing alias with 400 "alias ... not found" (404 for a missing model)
      if (e.getStatusCode() == 404 || String.valueOf(e.getBodyMessage()).contains("not found")) return null;
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
