package dev.kiln.tribuo.data;

import java.util.Locale;

/** What a model learns. */
public enum Task {
  CLASSIFICATION,
  REGRESSION,
  CLUSTERING,
  ANOMALY;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Task parse(String s) {
    for (Task t : values()) if (t.yamlName().equals(s.toLowerCase(Locale.ROOT))) return t;
    return null;
  }
}
