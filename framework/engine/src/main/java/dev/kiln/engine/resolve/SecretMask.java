package dev.kiln.engine.resolve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values a run has resolved, and how anything shown or persisted is masked with them:
 * each occurrence becomes {@code ***}. A secret is known once an expression reads it, so text is
 * masked with what is known at the time it is written.
 */
public final class SecretMask {
  /** Lines of a multi-line secret shorter than this are not masked on their own (a "}" would be). */
  private static final int MIN_LINE = 4;

  private final Set<String> values = ConcurrentHashMap.newKeySet();
  /** The values longest first, so a secret that contains another is masked whole. */
  private volatile List<String> ordered = List.of();

  /**
   * Records a secret's value (an empty value masks nothing). A multi-line value (a PEM key, a JSON
   * credential) is also masked line by line, since logs are written a line at a time.
   */
  synchronized void add(String value) {
    if (value.isEmpty() || !values.add(value)) return;
    if (value.indexOf('\n') >= 0) {
      for (String line : value.split("\r?\n")) {
        String l = line.strip();
        if (l.length() >= MIN_LINE) values.add(l);
      }
    }
    ordered = values.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
  }

  /** True once the run has resolved a secret. */
  public boolean any() {
    return !values.isEmpty();
  }

  /** {@code s} with every known secret value replaced by {@code ***}. */
  public String mask(String s) {
    if (s == null) return null;
    String out = s;
    for (String secret : ordered) out = out.replace(secret, "***");
    return out;
  }

  /** A value tree (strings, lists, maps) masked, keeping its order; other values as they are. */
  @SuppressWarnings("unchecked")
  public <T> T maskValues(T v) {
    if (values.isEmpty()) return v;
    if (v instanceof String str) return (T) mask(str);
    if (v instanceof List<?> l) return (T) l.stream().map(this::maskValues).toList();
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(mask(String.valueOf(k)), maskValues(x)));
      return (T) out;
    }
    return v;
  }

  /** A value tree masked with its map keys sorted, for a canonical form (cache keys). */
  public Object maskSorted(Object v) {
    if (v instanceof String str) return mask(str);
    if (v instanceof List<?> l) return l.stream().map(this::maskSorted).toList();
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), maskSorted(x)));
      return out;
    }
    return v;
  }
}
