package dev.kiln.engine.diag;

import dev.kiln.engine.diag.Location;
import java.util.Comparator;

/**
 * One thing wrong with the input.
 *
 * @param path where in the pipeline, with step ids (e.g. {@code steps.train.with.trees}); may be
 *     empty
 * @param message what must be, and what was found
 * @param hint how to fix it; may be null
 */
public record Problem(Location location, Code code, String path, String message, String hint)
    implements Comparable<Problem> {

  public static final Comparator<Problem> ORDER =
      Comparator.comparing(Problem::location, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Problem::code)
          .thenComparing(Problem::path)
          .thenComparing(Problem::message);

  public boolean isError() {
    return !code.isWarning();
  }

  @Override
  public int compareTo(Problem o) {
    return ORDER.compare(this, o);
  }

  /** The report format: {@code file:line:col: error[E104]: path: message} and a hint line. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(location).append(": ").append(isError() ? "error" : "warning");
    sb.append('[').append(code.name()).append("]: ");
    if (path != null && !path.isEmpty()) sb.append(path).append(": ");
    sb.append(message);
    if (hint != null && !hint.isEmpty()) sb.append("\n  hint: ").append(hint);
    return sb.toString();
  }
}
