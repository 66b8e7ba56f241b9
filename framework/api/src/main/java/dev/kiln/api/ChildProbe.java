package dev.kiln.api;

import java.util.Map;

/**
 * A child step that a step type will run (e.g. {@code kiln/tune}'s trials), described so that
 * {@code kiln validate} can check it offline like a step of the pipeline: its type must exist and
 * its {@code with:} must bind. Values in {@link #with()} are {@link From}, {@link At} or nested
 * maps of them; problems are reported at the YAML locations in the parent's {@code with:} they
 * came from.
 *
 * @param uses the child's step type
 * @param usesPath the dotted path in the parent's {@code with:} that names the type (blamed when it
 *     does not exist)
 * @param with the child's {@code with:} block
 * @param label how problems name this child, e.g. {@code trial(algorithm=xgboost)}
 */
public record ChildProbe(String uses, String usesPath, Map<String, Object> with, String label) {
  public ChildProbe {
    with = Map.copyOf(with);
  }

  /** The value at {@code path} in the parent's {@code with:}, expressions and locations included. */
  public record From(String path) {}

  /** A literal value standing for what the parent will pass, blamed on the parent's {@code path}. */
  public record At(Object value, String path) {}
}
