package dev.kiln.registry;

/**
 * Who makes a registry change and from where, for the audit log.
 *
 * @param name a user name or a CI identity
 * @param origin a CI build URL, or {@code user@host} for a person at a terminal
 * @param gitCommit the commit the change was made at (null outside git)
 */
public record Actor(String name, String origin, String gitCommit) {
  public Actor {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("an actor needs a name");
    if (origin == null || origin.isBlank()) throw new IllegalArgumentException("an actor needs an origin");
  }
}
