package dev.kiln.api;

import java.util.Map;

/**
 * Mirrors Kiln's model registry into a tracker's registry (MLflow's): the registry issues call it
 * when a version is registered or an alias moves. Kiln's registry stays the source of truth.
 */
public interface ModelRegistryMirror {
  /**
   * Creates (if missing) the registered model and a version whose source is the artifacts the
   * step {@code stepKey} of run {@code runId} produced under {@code artifactPath} (e.g.
   * {@code model}); returns the mirror's version number.
   */
  String createVersion(String model, String runId, String stepKey, String artifactPath, Map<String, String> tags);

  /** Points {@code alias} at {@code version}, moving it from wherever it pointed. */
  void setAlias(String model, String alias, String version);

  /** Removes an alias; nothing happens when it does not exist. */
  void deleteAlias(String model, String alias);

  /** The version an alias points at, or null. */
  String versionOf(String model, String alias);
}
