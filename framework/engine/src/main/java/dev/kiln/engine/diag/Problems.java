package dev.kiln.engine.diag;

import dev.kiln.engine.diag.Location;
import java.util.ArrayList;
import java.util.List;

/** Collects problems so every one of them is reported at once. */
public final class Problems {
  private final List<Problem> list = new ArrayList<>();

  public void add(Location at, Code code, String path, String message, String hint) {
    list.add(new Problem(at, code, path, message, hint));
  }

  public void add(Location at, Code code, String path, String message) {
    add(at, code, path, message, null);
  }

  public void addAll(Problems other) {
    list.addAll(other.list);
  }

  public boolean hasErrors() {
    return list.stream().anyMatch(Problem::isError);
  }

  public List<Problem> sorted() {
    return list.stream().sorted().distinct().toList();
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
