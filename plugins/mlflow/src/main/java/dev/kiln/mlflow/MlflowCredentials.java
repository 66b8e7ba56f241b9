package dev.kiln.mlflow;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * How Kiln authenticates to a tracking server, read from the environment variables MLflow's own
 * clients read: {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD} (HTTP basic
 * auth, used when both are set), else {@code MLFLOW_TRACKING_TOKEN} (a bearer token), and
 * {@code MLFLOW_TRACKING_INSECURE_TLS} (do not verify the server's certificate). Blank values
 * count as unset, as in MLflow's Python client. The values are read from the environment of the
 * process that delivers and never written anywhere: {@link #toString} does not show them.
 */
final class MlflowCredentials {
  static final String USERNAME = "MLFLOW_TRACKING_USERNAME";
  static final String PASSWORD = "MLFLOW_TRACKING_PASSWORD";
  static final String TOKEN = "MLFLOW_TRACKING_TOKEN";
  static final String INSECURE_TLS = "MLFLOW_TRACKING_INSECURE_TLS";

  static final MlflowCredentials NONE = new MlflowCredentials(null, null, null, false);

  private final String username;
  private final String password;
  private final String token;
  private final boolean insecureTls;

  private MlflowCredentials(String username, String password, String token, boolean insecureTls) {
    this.username = username;
    this.password = password;
    this.token = token;
    this.insecureTls = insecureTls;
  }

  /** Reads the variables; a value MLflow would reject, or half a username/password pair, is an IllegalArgumentException saying which. */
  static MlflowCredentials from(Map<String, String> env) {
    String user = value(env, USERNAME);
    String pass = value(env, PASSWORD);
    String token = value(env, TOKEN);
    if ((user == null) != (pass == null) && token == null) {
      throw new IllegalArgumentException((user != null ? USERNAME + " is set but " + PASSWORD : PASSWORD + " is set but " + USERNAME)
          + " is not: set both for basic auth, or " + TOKEN + " for a bearer token");
    }
    boolean basic = user != null && pass != null;
    return new MlflowCredentials(basic ? user : null, basic ? pass : null, basic ? null : token, insecure(env));
  }

  private static boolean insecure(Map<String, String> env) {
    String raw = value(env, INSECURE_TLS);
    if (raw == null) return false;
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(INSECURE_TLS + " must be true or false, found \"" + raw + "\"");
    };
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  /**
   * What the MLflow Java client sends: the same header, and for insecure TLS its own client that
   * skips the host name check and trusts self-signed certificates (a chain of one) besides the
   * JDK's CAs; Kiln's own requests accept any certificate, as Python's {@code verify=False} does.
   */
  BasicMlflowHostCreds hostCreds(String base) {
    return new BasicMlflowHostCreds(base, username, password, token, insecureTls);
  }

  /** The {@code Authorization} header value for Kiln's own requests, if any credentials are set. */
  Optional<String> authorization() {
    if (username != null) {
      return Optional.of("Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return token == null ? Optional.empty() : Optional.of("Bearer " + token);
  }

  boolean insecureTls() {
    return insecureTls;
  }

  /** An SSL context that accepts any certificate and host name, as MLflow's clients do with MLFLOW_TRACKING_INSECURE_TLS=true. */
  static SSLContext trustingEverything() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS without verification: " + e.getMessage(), e);
    }
  }

  /**
   * What a 401 or 403 from the server means with these credentials, and which variables to set or
   * check. {@code what} names the request that was refused (e.g. {@code runs/create}).
   */
  String refusal(int status, String base, String what) {
    String kind = username != null ? "basic" : token != null ? "token" : "none";
    if (status == 401) {
      return switch (kind) {
        case "basic" -> "MLflow at " + base + " rejected the username and password in " + USERNAME + " and " + PASSWORD
            + " (HTTP 401 on " + what + "): check them";
        case "token" -> "MLflow at " + base + " rejected the token in " + TOKEN + " (HTTP 401 on " + what + "): check it, or set "
            + USERNAME + " and " + PASSWORD + " if the server uses basic auth";
        default -> "MLflow at " + base + " requires authentication (HTTP 401 on " + what + ") and no credentials are set: set "
            + USERNAME + " and " + PASSWORD + " (basic auth) or " + TOKEN + " (bearer token)";
      };
    }
    return switch (kind) {
      case "basic" -> "MLflow at " + base + " denied " + what + " to the user in " + USERNAME + " (HTTP 403): grant that user"
          + " permission on the experiment (EDIT) or the model (EDIT), or set " + USERNAME + " and " + PASSWORD + " of a user who has it";
      case "token" -> "MLflow at " + base + " denied " + what + " to the token in " + TOKEN + " (HTTP 403): use a token with"
          + " permission to write to the experiment and the model registry";
      default -> "MLflow at " + base + " denied " + what + " to a request without credentials (HTTP 403): set "
          + USERNAME + " and " + PASSWORD + " (basic auth) or " + TOKEN + " (bearer token)";
    };
  }

  @Override
  public String toString() {
    return "MlflowCredentials[" + (username != null ? "basic" : token != null ? "token" : "none") + (insecureTls ? ", insecure TLS" : "") + "]";
  }

  /** Accepts every certificate; as an extended trust manager it also skips the host name check JSSE would add. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
