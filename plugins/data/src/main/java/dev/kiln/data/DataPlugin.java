package dev.kiln.data;

import dev.kiln.api.KilnPlugin;

/** data/*: datasets as Parquet files, read, shaped and checked by embedded DuckDB. */
public final class DataPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "data";
  }

  @Override
  protected void configure() {
    step(new CheckStep());
  }
}
