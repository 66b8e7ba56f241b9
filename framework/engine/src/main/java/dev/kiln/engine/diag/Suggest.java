package dev.kiln.engine.diag;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean ...?" by edit distance. */
public final class Suggest {
  private Suggest() {}

  /** The candidate nearest to {@code wrong}, if it is close enough to be a likely typo. */
  public static Optional<String> nearest(String wrong, Collection<String> candidates) {
    return candidates.stream()
        .min(Comparator.comparingInt((String c) -> distance(wrong, c)).thenComparing(c -> c))
        .filter(c -> distance(wrong, c) <= Math.max(2, wrong.length() / 3));
  }

  /** A hint naming the nearest candidate (if any) and listing all of them. */
  public static String hint(String wrong, Collection<String> candidates, String listName) {
    String all = String.join(", ", candidates.stream().sorted().toList());
    if (candidates.isEmpty()) return "there are no " + listName;
    return nearest(wrong, candidates)
        .map(n -> "did you mean \"" + n + "\"? " + listName + ": " + all)
        .orElse(listName + ": " + all);
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
