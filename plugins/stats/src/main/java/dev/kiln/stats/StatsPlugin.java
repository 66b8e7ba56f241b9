package dev.kiln.stats;

import dev.kiln.api.KilnPlugin;

/** Statistics for experiments: {@code stats/ab-test}. */
public final class StatsPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "stats";
  }

  @Override
  protected void configure() {
    step(new AbTestStep());
  }
}
