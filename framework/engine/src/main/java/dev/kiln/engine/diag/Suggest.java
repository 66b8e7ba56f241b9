package dev.kiln.engine.diag;

import dev.kiln.api.EditDistance;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean ...?" by edit distance. */
public final class Suggest {
  private Suggest() {}

  /** The candidate nearest to {@code wrong}, if it is close enough to be a likely typo. */
  public static Optional<String> nearest(String wrong, Collection<String> candidates) {
    return candidates.stream()
        .min(Comparator.comparingInt((String c) -> EditDistance.between(wrong, c)).thenComparing(c -> c))
        .filter(c -> EditDistance.between(wrong, c) <= Math.max(2, wrong.length() / 3));
  }

  /** A hint naming the nearest candidate (if any) and listing all of them. */
  public static String hint(String wrong, Collection<String> candidates, String listName) {
    String all = String.join(", ", candidates.stream().sorted().toList());
    if (candidates.isEmpty()) return "there are no " + listName;
    return nearest(wrong, candidates)
        .map(n -> "did you mean \"" + n + "\"? " + listName + ": " + all)
        .orElse(listName + ": " + all);
  }
}
