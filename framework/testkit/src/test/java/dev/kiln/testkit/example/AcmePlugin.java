package dev.kiln.testkit.example;

import dev.kiln.api.KilnPlugin;

/**
 * The plugin of the guide. A real plugin lists this class in
 * src/main/resources/META-INF/services/dev.kiln.api.KilnPlugin.
 */
public final class AcmePlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "acme";
  }

  @Override
  protected void configure() {
    step(new GreetStep());
  }
}
