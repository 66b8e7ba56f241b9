package dev.kiln.deploy;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An absolute threshold such as {@code ">= 0.80"}: an operator and a number. */
record Threshold(String op, double value) {
  private static final Pattern FORM = Pattern.compile("\\s*(>=|<=|>|<)\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*");

  /** Null when {@code text} is not of the form {@code OP NUMBER} with OP one of >= > <= <. */
  static Threshold parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text);
    if (m == null || !m.matches()) return null;
    return new Threshold(m.group(1), Double.parseDouble(m.group(2)));
  }

  boolean test(double v) {
    return switch (op) {
      case ">=" -> v >= value;
      case ">" -> v > value;
      case "<=" -> v <= value;
      default -> v < value;
    };
  }

  @Override
  public String toString() {
    return op + " " + String.format(Locale.ROOT, "%s", value);
  }
}
