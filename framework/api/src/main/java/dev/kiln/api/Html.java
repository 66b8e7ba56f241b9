package dev.kiln.api;

/**
 * The one escaper for text Kiln writes into HTML (reports) and XML (JUnit results): safe in
 * element text and in single- or double-quoted attribute values.
 */
public final class Html {
  private Html() {}

  /**
   * {@code s} with {@code & < > " '} as character references; control characters that XML 1.0
   * cannot hold (all below U+0020 but tab, line feed and carriage return) are dropped. Null is "".
   */
  public static String escape(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') b.append(c);
        }
      }
    }
    return b.toString();
  }
}
