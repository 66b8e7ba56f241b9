package dev.kiln.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registered models, their versions, aliases, blessings and audit log, in the run store's
 * database. The registry enforces the gate itself: {@link #promote} moves an alias only to a
 * version holding a passing blessing, unless forced with a reason, which the audit log keeps.
 * Every change of a model is serialised by the database (a row lock on the model), so concurrent
 * promotions queue and each audit entry's {@code fromVersion} is the previous entry's version.
 */
public interface ModelRegistry {

  /**
   * A new version to register.
   *
   * @param dataJson path -> data version the source run read, as JSON
   */
  record NewVersion(
      String model, String artifactSha256, String mediaType, String runId, String stepKey, String pipeline,
      String gitCommit, String dataJson, String metricsJson, String cardJson, String description) {}

  /**
   * Registers {@code v} as the next version of its model (creating the model), with a
   * {@code register} audit entry; the same artifact registered again under the same name returns
   * the existing version unchanged.
   */
  ModelVersion register(NewVersion v, Actor actor, long now);

  /** Records a validation verdict on a candidate artifact. */
  Blessing bless(String model, String artifactSha256, boolean blessed, String checksJson, Integer championVersion, String runId, String stepKey, long now);

  /** The newest verdict on an artifact for a model name. */
  Optional<Blessing> blessing(String model, String artifactSha256);

  Optional<ModelVersion> version(String model, int version);

  /** The version an alias points at. */
  Optional<ModelVersion> byAlias(String model, String alias);

  /** Registered model names, sorted. */
  List<String> models();

  /** A model's versions, oldest first. */
  List<ModelVersion> versions(String model);

  /** A model's aliases: alias -> version, sorted by alias. */
  Map<String, Integer> aliases(String model);

  /**
   * Points {@code alias} at {@code version}. Refused ({@link PromotionRefused}) when the version
   * does not exist, or holds no passing blessing and {@code forced} is false, or {@code forced}
   * comes without a reason. The move and its audit entry are one transaction.
   */
  Promotion promote(String model, int version, String alias, Actor actor, String reason, boolean forced, long now);

  /** Removes an alias (audited); refused when it does not exist. */
  AuditEntry demote(String model, String alias, Actor actor, String reason, long now);

  /** The audit log of a model, oldest first. */
  List<AuditEntry> history(String model);

  /** Remembers the version number a mirror registry (MLflow) gave a version. */
  void setMirrorVersion(String model, int version, String mirrorVersion);
}
