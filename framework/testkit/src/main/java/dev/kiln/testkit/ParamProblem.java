package dev.kiln.testkit;

import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.diag.Problem;

/**
 * One problem with a step's {@code with:}, as {@code kiln validate} reports it.
 *
 * @param file the name the {@code with:} text was given under ({@link StepHarness#sourceName})
 * @param line 1-based line in the {@code with:} text; 0 when the problem concerns the block as a
 *     whole (e.g. a required parameter is missing from an empty {@code with:})
 * @param column 1-based column; 0 with {@code line == 0}
 * @param code the problem code, e.g. {@code E121}
 * @param error false for a warning
 * @param path where, with the step id, e.g. {@code steps.step.with.target}
 * @param message what must be, and what was found
 * @param hint how to fix it; may be null
 */
public record ParamProblem(String file, int line, int column, String code, boolean error, String path, String message, String hint) {

  static ParamProblem of(Problem p) {
    return new ParamProblem(p.location().file(), p.location().line(), p.location().column(), p.code().name(), p.isError(), p.path(), p.message(), p.hint());
  }

  /** {@code file:line:col} (just {@code file} when {@code line == 0}). */
  public String location() {
    return line == 0 ? file : file + ":" + line + ":" + column;
  }

  /**
   * The text {@code kiln validate} prints: {@code file:line:col: error[E121]: path: message} and,
   * when there is a hint, a second line {@code   hint: ...}.
   */
  public String format() {
    // the engine's own formatting, so the text cannot drift from kiln validate's
    return new Problem(new Location(file, line, column), Code.valueOf(code), path, message, hint).format();
  }

  @Override
  public String toString() {
    return format();
  }
}
