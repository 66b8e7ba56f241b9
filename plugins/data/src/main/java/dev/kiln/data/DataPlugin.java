package dev.kiln.data;

import dev.kiln.api.KilnPlugin;

/** The data plane's steps: datasets as Parquet files, read and shaped by embedded DuckDB. */
public final class DataPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "data";
  }

  @Override
  protected void configure() {
    step(new ProfileStep());
  }
}
