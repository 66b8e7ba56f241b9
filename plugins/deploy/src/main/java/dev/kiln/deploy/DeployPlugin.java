package dev.kiln.deploy;

import dev.kiln.api.KilnPlugin;

/** The promotion gate's steps: kiln/validate (blessing) and kiln/register (versions with lineage), kiln/export (deployment bundles). */
public final class DeployPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "kiln";
  }

  @Override
  protected void configure() {
    step(new ValidateStep());
    step(new RegisterStep());
    step(new ExportStep());
  }
}
