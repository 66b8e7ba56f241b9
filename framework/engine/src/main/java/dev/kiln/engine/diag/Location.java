package dev.kiln.engine.diag;

/** A 1-based line and column in a source file; {@code line == 0} means "the whole file". */
public record Location(String file, int line, int column) implements Comparable<Location> {
  public static Location file(String file) {
    return new Location(file, 0, 0);
  }

  public Location shifted(int columns) {
    return new Location(file, line, column + columns);
  }

  @Override
  public int compareTo(Location o) {
    int c = file.compareTo(o.file);
    if (c != 0) return c;
    c = Integer.compare(line, o.line);
    return c != 0 ? c : Integer.compare(column, o.column);
  }

  @Override
  public String toString() {
    return line == 0 ? file : file + ":" + line + ":" + column;
  }
}
