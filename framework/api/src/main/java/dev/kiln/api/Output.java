package dev.kiln.api;

/**
 * A declared output of a step type.
 *
 * @param name the name referenced as {@code ${{ steps.<id>.outputs.<name> }}}
 * @param kind whether it is a file in the artifact store or a plain value
 * @param description one line for {@code kiln plugins}
 */
public record Output(String name, Kind kind, String description) {
  /** What an output holds. */
  public enum Kind {
    ARTIFACT,
    VALUE
  }

  public static Output artifact(String name, String description) {
    return new Output(name, Kind.ARTIFACT, description);
  }

  public static Output value(String name, String description) {
    return new Output(name, Kind.VALUE, description);
  }
}
