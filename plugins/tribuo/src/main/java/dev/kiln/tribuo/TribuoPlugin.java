package dev.kiln.tribuo;

import dev.kiln.api.KilnPlugin;

/** Classic machine learning with Oracle's Tribuo: ingest, features, train, evaluate, predict, select. */
public final class TribuoPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "tribuo";
  }

  @Override
  protected void configure() {
    step(new IngestStep());
    step(new FeaturesStep());
    step(new TrainStep());
    step(new EvaluateStep());
    step(new PredictStep());
    step(new SelectStep());
    modelRuntime(TribuoRuntime.class);
  }
}
