package dev.kiln.api;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kiln's model registry as a step sees it: what {@code kiln/validate} compares a candidate with,
 * where it stores its verdict, and where {@code kiln/register} registers versions. The engine fills
 * in the lineage (run, step, data versions, git commit, who and from where).
 */
public interface Models {

  /**
   * A registered version.
   *
   * @param artifact the model bundle in the artifact store
   * @param data path -> data version the run that trained it read
   * @param aliases the aliases pointing at it
   */
  record Version(String model, int version, Artifact artifact, String runId, String gitCommit, Map<String, String> data, Set<String> aliases) {}

  /** The version {@code alias} of {@code model} points at (e.g. the {@code champion}). */
  Optional<Version> alias(String model, String alias);

  /**
   * Registers {@code bundle} as a new version of {@code model} (the same artifact again is the same
   * version), mirrored to a tracker's registry (MLflow) when one is configured.
   *
   * @param card the model card, stored with the version; its {@code metrics} become the version's metrics
   */
  Version register(String model, Artifact bundle, ModelCard card, String description);

  /** Stores a validation verdict, with every check, against a candidate artifact. */
  void bless(String model, Artifact candidate, boolean blessed, Map<String, Object> checks, Integer championVersion);

  /** An artifact of the store by its hash (e.g. a champion's training data named in its card). */
  Optional<Artifact> artifact(String sha256);
}
