package dev.kiln.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery against a fake server that refuses what MLflow refuses; the real server is exercised by MlflowIT. */
class DeliveryTest {
  @TempDir Path home;
  private HttpServer server;
  private final List<String> accepted = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
  }

  /** log-batch answers 400 when the batch holds a param named "bad" (as MLflow does for a changed param value). */
  private String start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/2.0/mlflow/runs/log-batch", x -> {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      boolean bad = body.contains("\"bad\"");
      if (!bad) accepted.add(body);
      byte[] out = (bad ? "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Changing param values is not allowed\"}" : "{}").getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(bad ? 400 : 200, out.length);
      x.getResponseBody().write(out);
      x.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void aRefusedEventIsSetAsideAndTheEventsBatchedWithItAreStillDelivered() throws Exception {
    String uri = start();
    Outbox o = Outbox.open(home, "r1", uri);
    // the run was created by an earlier delivery
    ObjectNode state = Outbox.JSON.createObjectNode().put("delivered", 0);
    state.with("runs").putObject("").put("id", "m1").put("artifactUri", "mlflow-artifacts:/1/m1/artifacts");
    Delivery.save(o.dir(), state);
    o.append(Outbox.JSON.createObjectNode().put("type", "open").put("key", ""));
    ObjectNode good = Outbox.JSON.createObjectNode().put("type", "params").put("key", "");
    good.putObject("params").put("rate", "0.5");
    o.append(good);
    ObjectNode bad = Outbox.JSON.createObjectNode().put("type", "params").put("key", "");
    bad.putObject("params").put("bad", "2");
    o.append(bad);
    ObjectNode metrics = Outbox.JSON.createObjectNode().put("type", "metrics").put("key", "");
    metrics.putArray("metrics").addArray().add("loss").add(0.25).add(3).add(1000L);
    o.append(metrics);

    Delivery.Result r = Delivery.deliver(o.dir(), new MlflowApi(uri, MlflowCredentials.NONE));

    assertThat(r.delivered()).isEqualTo(4);
    String all = String.join("\n", accepted);
    assertThat(all).contains("\"rate\"").contains("\"loss\"").doesNotContain("\"bad\"");
    JsonNode rejected = Delivery.state(o.dir()).path("rejected");
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).path("from").asLong()).isEqualTo(3);
    assertThat(rejected.get(0).path("to").asLong()).isEqualTo(3);
    assertThat(rejected.get(0).path("error").asText()).contains("400").contains("Changing param values");
    // delivering again sends nothing twice
    int before = accepted.size();
    Delivery.deliver(o.dir(), new MlflowApi(uri, MlflowCredentials.NONE));
    assertThat(accepted).hasSize(before);
  }
}
