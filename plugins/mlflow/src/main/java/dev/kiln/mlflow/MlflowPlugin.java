package dev.kiln.mlflow;

import dev.kiln.api.KilnPlugin;

/** Mirrors runs to an MLflow tracking server (MLFLOW_TRACKING_URI or --tracking-uri) through a durable outbox. */
public final class MlflowPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "mlflow";
  }

  @Override
  protected void configure() {
    tracker(MlflowTracker.class);
  }
}
