package dev.kiln.tune;

import dev.kiln.api.KilnPlugin;

/** kiln/tune: hyperparameter search over any trainer step type. */
public final class TunePlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "kiln";
  }

  @Override
  protected void configure() {
    step(new TuneStep());
  }
}
