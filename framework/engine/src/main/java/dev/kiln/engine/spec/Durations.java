package dev.kiln.engine.spec;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h30m}. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    String s = text.strip().toLowerCase(java.util.Locale.ROOT);
    if (s.isEmpty()) return Optional.empty();
    if (s.matches("\\d+")) return Optional.of(Duration.ofSeconds(Long.parseLong(s)));
    Matcher m = PART.matcher(s);
    int at = 0;
    double ms = 0;
    while (m.find()) {
      if (m.start() != at) return Optional.empty();
      double n = Double.parseDouble(m.group(1));
      ms += switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        case "h" -> n * 3_600_000;
        default -> n * 86_400_000;
      };
      at = m.end();
    }
    return at == s.length() && at > 0 ? Optional.of(Duration.ofMillis((long) ms)) : Optional.empty();
  }

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }
}
