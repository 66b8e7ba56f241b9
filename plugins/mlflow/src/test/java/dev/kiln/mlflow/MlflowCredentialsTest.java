package dev.kiln.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kiln.api.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials MLflow's clients take from the environment, sent by both of Kiln's paths (the
 * MLflow Java client and Kiln's own HTTP client), and what a 401 or 403 says. MlflowIT runs the
 * same against MLflow's basic-auth server.
 */
class MlflowCredentialsTest {
  static final String PASSWORD = "pw-Secret-1234";
  static final String TOKEN = "tok-Secret-5678";

  @TempDir Path tmp;
  private HttpServer server;
  private final List<String> authorizations = new ArrayList<>();
  private volatile int status = 200;

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
  }

  /** Answers every request with {@link #status} and "{}", recording its Authorization header ("-" when none). */
  private String start(HttpServer s, String scheme) {
    server = s;
    server.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      String h = x.getRequestHeaders().getFirst("Authorization");
      synchronized (authorizations) {
        authorizations.add(h == null ? "-" : h);
      }
      byte[] out = (status == 200 ? "{}" : status == 401 ? "You are not authenticated." : "Permission denied").getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status, out.length);
      x.getResponseBody().write(out);
      x.close();
    });
    server.start();
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  private String start() throws IOException {
    return start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
  }

  /** One request through the Java client, one GET and one upload through Kiln's own client. */
  private void requestBothWays(MlflowApi api) throws IOException {
    api.post("registered-models/create", Outbox.JSON.createObjectNode().put("name", "m"));
    api.get("registered-models/alias?name=m&alias=a");
    Path f = Files.writeString(tmp.resolve("f.txt"), "x");
    api.upload("mlflow-artifacts:/1/r/artifacts", "dir/f.txt", f);
  }

  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void usernameAndPasswordGoAsBasicAuthOnEveryRequest() throws Exception {
    String uri = start();
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(env("MLFLOW_TRACKING_USERNAME", "kiln", "MLFLOW_TRACKING_PASSWORD", PASSWORD)))) {
      requestBothWays(api);
    }
    assertThat(authorizations).hasSize(3).containsOnly(basic("kiln", PASSWORD));
  }

  @Test
  void aTokenGoesAsBearerAndBasicAuthWinsWhenBothAreSetAsInMlflowsClients() throws Exception {
    String uri = start();
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(env("MLFLOW_TRACKING_TOKEN", TOKEN)))) {
      requestBothWays(api);
    }
    assertThat(authorizations).hasSize(3).containsOnly("Bearer " + TOKEN);
    authorizations.clear();
    Map<String, String> both = env("MLFLOW_TRACKING_TOKEN", TOKEN, "MLFLOW_TRACKING_USERNAME", "kiln", "MLFLOW_TRACKING_PASSWORD", PASSWORD);
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(both))) {
      requestBothWays(api);
    }
    assertThat(authorizations).hasSize(3).containsOnly(basic("kiln", PASSWORD));
  }

  @Test
  void withoutCredentialsOrWithBlankOnesNoAuthorizationIsSent() throws Exception {
    String uri = start();
    Map<String, String> blank = env("MLFLOW_TRACKING_USERNAME", "", "MLFLOW_TRACKING_PASSWORD", " ", "MLFLOW_TRACKING_TOKEN", "");
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(blank))) {
      requestBothWays(api);
    }
    assertThat(authorizations).hasSize(3).containsOnly("-");
  }

  @Test
  void halfAPairOrAnInsecureTlsValueMlflowWouldRejectIsSaid() {
    assertThatThrownBy(() -> MlflowCredentials.from(env("MLFLOW_TRACKING_USERNAME", "kiln")))
        .hasMessage("MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD is not: set both for basic auth, or MLFLOW_TRACKING_TOKEN for a bearer token");
    assertThatThrownBy(() -> MlflowCredentials.from(env("MLFLOW_TRACKING_PASSWORD", PASSWORD)))
        .hasMessage("MLFLOW_TRACKING_PASSWORD is set but MLFLOW_TRACKING_USERNAME is not: set both for basic auth, or MLFLOW_TRACKING_TOKEN for a bearer token");
    assertThatThrownBy(() -> MlflowCredentials.from(env("MLFLOW_TRACKING_INSECURE_TLS", "yes")))
        .hasMessage("MLFLOW_TRACKING_INSECURE_TLS must be true or false, found \"yes\"");
    assertThat(MlflowCredentials.from(env("MLFLOW_TRACKING_INSECURE_TLS", "TRUE")).insecureTls()).isTrue();
    assertThat(MlflowCredentials.from(env("MLFLOW_TRACKING_INSECURE_TLS", "0")).insecureTls()).isFalse();
    // a token alone is enough, with a stray username beside it (MLflow's clients send the token)
    assertThat(MlflowCredentials.from(env("MLFLOW_TRACKING_USERNAME", "kiln", "MLFLOW_TRACKING_TOKEN", TOKEN)).authorization()).contains("Bearer " + TOKEN);
  }

  @Test
  void theCredentialsNeverShowInTheirStringForm() {
    MlflowCredentials c = MlflowCredentials.from(env("MLFLOW_TRACKING_USERNAME", "kiln", "MLFLOW_TRACKING_PASSWORD", PASSWORD, "MLFLOW_TRACKING_INSECURE_TLS", "true"));
    assertThat(c.toString()).isEqualTo("MlflowCredentials[basic, insecure TLS]").doesNotContain(PASSWORD);
    assertThat(MlflowCredentials.from(env("MLFLOW_TRACKING_TOKEN", TOKEN)).toString()).isEqualTo("MlflowCredentials[token]");
  }

  @Test
  void a401Or403IsAConfigurationErrorNamingTheVariablesOnBothPaths() throws Exception {
    String uri = start();
    status = 401;
    Map<String, String> basicEnv = env("MLFLOW_TRACKING_USERNAME", "kiln", "MLFLOW_TRACKING_PASSWORD", PASSWORD);
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(basicEnv))) {
      assertThatThrownBy(() -> api.post("registered-models/create", Outbox.JSON.createObjectNode())).isInstanceOf(MlflowAccessDenied.class)
          .hasMessage("MLflow at " + uri + " rejected the username and password in MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"
              + " (HTTP 401 on registered-models/create): check them");
      Path f = Files.writeString(tmp.resolve("f.txt"), "x");
      assertThatThrownBy(() -> api.upload("mlflow-artifacts:/1/r/artifacts", "model/f.txt", f)).isInstanceOf(MlflowAccessDenied.class)
          .hasMessage("MLflow at " + uri + " rejected the username and password in MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"
              + " (HTTP 401 on upload model/f.txt): check them");
    }
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(env("MLFLOW_TRACKING_TOKEN", TOKEN)))) {
      assertThatThrownBy(() -> api.experiment("e")).hasMessage("MLflow at " + uri + " rejected the token in MLFLOW_TRACKING_TOKEN"
          + " (HTTP 401 on experiments/search): check it, or set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD if the server uses basic auth");
    }
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.NONE)) {
      assertThatThrownBy(() -> api.get("registered-models/alias?name=m&alias=a")).hasMessage("MLflow at " + uri
          + " requires authentication (HTTP 401 on GET registered-models/alias?name=m&alias=a) and no credentials are set:"
          + " set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (basic auth) or MLFLOW_TRACKING_TOKEN (bearer token)");
    }
    status = 403;
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(basicEnv))) {
      assertThatThrownBy(() -> api.createRun("1", "r", 0, Map.of())).isInstanceOf(MlflowAccessDenied.class).hasMessage("MLflow at " + uri
          + " denied runs/create to the user in MLFLOW_TRACKING_USERNAME (HTTP 403): grant that user permission on the experiment (EDIT)"
          + " or the model (EDIT), or set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD of a user who has it");
    }
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(env("MLFLOW_TRACKING_TOKEN", TOKEN)))) {
      assertThatThrownBy(() -> api.createRun("1", "r", 0, Map.of())).hasMessage("MLflow at " + uri
          + " denied runs/create to the token in MLFLOW_TRACKING_TOKEN (HTTP 403): use a token with permission to write to the experiment and the model registry");
    }
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.NONE)) {
      assertThatThrownBy(() -> api.createRun("1", "r", 0, Map.of())).hasMessage("MLflow at " + uri
          + " denied runs/create to a request without credentials (HTTP 403): set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (basic auth)"
          + " or MLFLOW_TRACKING_TOKEN (bearer token)");
    }
  }

  /** A refused run ends at once with a line saying so (not after KILN_TRACKING_WAIT_MS), and keeps its events for `kiln sync`. */
  @Test
  void aRunWhoseCredentialsAreRefusedSaysSoAtOnceAndKeepsItsEvents() throws Exception {
    String uri = start();
    status = 401;
    Map<String, String> e = env("MLFLOW_TRACKING_URI", uri, "MLFLOW_TRACKING_USERNAME", "kiln", "MLFLOW_TRACKING_PASSWORD", PASSWORD);
    Tracker.RunTracker rt = new MlflowTracker().open(new Tracker.TrackedRun("20261202-000000-abcdef", "p", "p.yaml", "name: p\n", Map.of("rate", 0.5),
        null, Map.of(), 1000, false, tmp.resolve("home"), tmp, e));
    rt.runFinished("SUCCEEDED", null, 2000);
    long t0 = System.nanoTime();
    String line = rt.close(60_000);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(20);
    Path outbox = tmp.resolve("home/outbox/mlflow/20261202-000000-abcdef");
    assertThat(line).isEqualTo("tracking: MLflow configuration error: MLflow at " + uri + " rejected the username and password in MLFLOW_TRACKING_USERNAME"
        + " and MLFLOW_TRACKING_PASSWORD (HTTP 401 on experiments/search): check them; 5 of 5 events not delivered, kept in " + outbox
        + " - `kiln sync` delivers them once that is fixed");
    List<Tracker.SyncLine> sync = new MlflowTracker().sync(tmp.resolve("home"), e);
    assertThat(sync).singleElement().satisfies(l -> {
      assertThat(l.delivered()).isFalse();
      assertThat(l.text()).isEqualTo("20261202-000000-abcdef: not delivered (MLflow at " + uri + " rejected the username and password in"
          + " MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (HTTP 401 on experiments/search): check them); 5 events pending in " + outbox);
    });
    assertThat(new MlflowTracker().sync(tmp.resolve("home"), env("MLFLOW_TRACKING_USERNAME", "kiln"))).singleElement()
        .satisfies(l -> assertThat(l.text()).isEqualTo("not delivered: MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD is not:"
            + " set both for basic auth, or MLFLOW_TRACKING_TOKEN for a bearer token"));
    try (var files = Files.walk(tmp.resolve("home"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
    }
  }

  /** MLFLOW_TRACKING_INSECURE_TLS=true accepts a self-signed certificate on both paths; without it the connection fails. */
  @Test
  void insecureTlsAcceptsASelfSignedServer() throws Exception {
    Path ks = tmp.resolve("ks.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-keyalg", "RSA",
        "-alias", "s", "-dname", "CN=not-this-host", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as(out).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(ctx));
    String uri = start(https, "https");

    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.NONE)) {
      assertThatThrownBy(() -> api.post("registered-models/create", Outbox.JSON.createObjectNode())).isNotInstanceOf(MlflowAccessDenied.class);
      assertThatThrownBy(() -> api.get("registered-models/alias?name=m&alias=a")).isInstanceOf(IOException.class);
    }
    try (MlflowApi api = new MlflowApi(uri, MlflowCredentials.from(env("MLFLOW_TRACKING_INSECURE_TLS", "true", "MLFLOW_TRACKING_TOKEN", TOKEN)))) {
      requestBothWays(api);
    }
    assertThat(authorizations).hasSize(3).containsOnly("Bearer " + TOKEN);
  }
}
