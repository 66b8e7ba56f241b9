package dev.kiln.data;

import dev.kiln.api.KilnPlugin;

/**
 * The data plane: datasets as Parquet files (column roles in the key-value metadata, see {@link
 * Datasets}) read and shaped by embedded DuckDB.
 */
public final class DataPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "data";
  }

  @Override
  protected void configure() {
    step(new IngestStep());
    step(new SqlStep());
    step(new SplitStep());
    step(new CheckStep());
    step(new ProfileStep());
    step(new ResampleStep());
  }
}
