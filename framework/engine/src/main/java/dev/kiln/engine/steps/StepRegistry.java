package dev.kiln.engine.steps;

import dev.kiln.api.StepType;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every installed step type by name, as the plugins registered them. */
public final class StepRegistry {
  private final Map<String, StepType<?>> types;

  @Inject
  public StepRegistry(Map<String, StepType<?>> types) {
    this.types = new TreeMap<>(types);
  }

  public Optional<StepType<?>> find(String name) {
    return Optional.ofNullable(types.get(name));
  }

  public Map<String, StepType<?>> all() {
    return java.util.Collections.unmodifiableMap(types);
  }
}
