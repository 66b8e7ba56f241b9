package dev.kiln.engine.builtin;

import dev.kiln.api.KilnPlugin;

/** The step types every Kiln installation has: {@code kiln/command} and {@code kiln/values}. */
public final class BuiltinPlugin extends KilnPlugin {
  @Override
  public String pluginName() {
    return "kiln";
  }

  @Override
  protected void configure() {
    step(new CommandStep());
    step(new ValuesStep());
  }
}
