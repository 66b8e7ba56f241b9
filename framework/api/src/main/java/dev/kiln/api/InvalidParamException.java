package dev.kiln.api;

/**
 * Thrown by a params record's constructor when a value is wrong in a way its type cannot express
 * (an unknown hyperparameter name, a value out of the set a trainer accepts). The engine reports it
 * at the YAML line:col of {@link #param()} — at its key when {@link #atKey()} — both in {@code kiln
 * validate} and when a step is bound at run time; {@code kiln validate} reports it whenever that
 * param's value is literal, even if others hold expressions.
 *
 * <p>A plain {@link IllegalArgumentException} from the constructor means the record as a whole is
 * wrong (kiln/command's "give exactly one of run and argv"). Before a run its values may not be
 * known, so {@code kiln validate} tries the record with every unknown value given (as a stand-in)
 * and, where a whole {@code ${{ }}} might yield nothing, absent, and reports the problem only when
 * all of these fail. Such a check must therefore look only at which params are given; a check of a
 * value throws this exception naming the param.
 */
public class InvalidParamException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String param;
  private final boolean atKey;
  private final String hint;

  /**
   * @param param the dotted path of the offending value below {@code with:}, in YAML spelling
   *     (e.g. {@code hyperparameters.max-depth})
   * @param atKey point at the key (a wrong name) rather than at the value (a wrong value)
   * @param message what is wrong and what was expected
   * @param hint how to fix it, or null
   */
  public InvalidParamException(String param, boolean atKey, String message, String hint) {
    super(message);
    this.param = param;
    this.atKey = atKey;
    this.hint = hint;
  }

  public String param() {
    return param;
  }

  public boolean atKey() {
    return atKey;
  }

  public String hint() {
    return hint;
  }
}
