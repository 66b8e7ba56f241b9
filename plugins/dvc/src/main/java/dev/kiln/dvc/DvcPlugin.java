package dev.kiln.dvc;

import dev.kiln.api.KilnPlugin;

/** DVC: tracked inputs resolved and pulled by DVC hash; dvc/track puts step outputs under DVC. */
public final class DvcPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "dvc";
  }

  @Override
  protected void configure() {
    dataVersioning(DvcVersioning.class);
    step(new TrackStep());
  }
}
