package dev.kiln.engine.home;

import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.registry.JdbcRunStore;
import dev.kiln.registry.RunStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where Kiln keeps its state: {@code KILN_HOME} (default {@code .kiln/} in the working directory)
 * holds the embedded H2 database, the artifact store, step logs and scratch space. {@code
 * KILN_DB_URL} (with {@code KILN_DB_USER} and {@code KILN_DB_PASSWORD}) moves the run store to
 * PostgreSQL.
 */
public final class KilnHome implements AutoCloseable {
  private final Path dir;
  private final Map<String, String> env;
  private RunStore store;

  public KilnHome(Path dir, Map<String, String> env) {
    this.dir = dir.toAbsolutePath().normalize();
    this.env = Map.copyOf(env);
  }

  public static KilnHome fromEnvironment(Path workingDir, Map<String, String> env) {
    String h = env.get("KILN_HOME");
    return new KilnHome(h == null || h.isBlank() ? workingDir.resolve(".kiln") : workingDir.resolve(h), env);
  }

  /** The environment Kiln was started with: steps see it, {@code env.X} and {@code secrets.X} read it. */
  public Map<String, String> env() {
    return env;
  }

  public Path dir() {
    return dir;
  }

  public ArtifactStore artifacts() {
    return new ArtifactStore(dir.resolve("artifacts"));
  }

  /** Opens the run store on first use; commands that need no store never open it. */
  public synchronized RunStore store() {
    if (store == null) {
      String url = env.get("KILN_DB_URL");
      store = url == null || url.isBlank()
          ? JdbcRunStore.h2(dir)
          : JdbcRunStore.open(url, env.get("KILN_DB_USER"), env.get("KILN_DB_PASSWORD"), 8);
    }
    return store;
  }

  public synchronized void close() {
    if (store != null) store.close();
    store = null;
  }

  /** This machine's name, as run ownership and the audit log record it. */
  public static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
