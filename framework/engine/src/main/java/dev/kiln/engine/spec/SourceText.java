package dev.kiln.engine.spec;

import dev.kiln.engine.diag.Location;
import dev.kiln.engine.yaml.ScalarNode;

/** Maps an offset inside a scalar back to a line and column of the source. */
public final class SourceText {
  private final String[] lines;

  public SourceText(String source) {
    this.lines = source.split("\n", -1);
  }

  /** Where {@code offset} of {@code scalar}'s text is; the scalar's own place for multi-line text. */
  public Location at(ScalarNode scalar, int offset) {
    Location l = scalar.location();
    if (scalar.text().indexOf('\n') >= 0 || l.line() < 1 || l.line() > lines.length) return l;
    String line = lines[l.line() - 1];
    int col = l.column() - 1;
    if (col < line.length() && (line.charAt(col) == '"' || line.charAt(col) == '\'')) {
      // a quoted scalar: the text starts after the quote (escapes make this approximate)
      return l.shifted(offset + 1);
    }
    return l.shifted(offset);
  }
}
