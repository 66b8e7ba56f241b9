package dev.kiln.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads a model artifact for online prediction ({@code kiln serve}). A plugin whose steps produce
 * models registers one with {@link KilnPlugin#modelRuntime}; predictions must equal what its batch
 * prediction step gives on the same rows.
 */
public interface ModelRuntime {

  /** Whether this runtime loads artifacts of this media type. */
  boolean loads(String mediaType);

  Loaded load(Path file, String shownName) throws IOException, InvalidInput;

  /**
   * An input field of a model.
   *
   * @param type {@code numeric}, {@code categorical} or {@code text}
   */
  record Field(String name, String type) {}

  /** A loaded model; thread-safe. */
  interface Loaded {
    /** The fields a request row must have (null means missing and is imputed as in training). */
    List<Field> inputs();

    /** The model card. */
    Map<String, Object> card();

    /**
     * Predicts rows given as field -> value (JSON types: numbers for numeric fields, strings for the
     * others; {@code strings} true accepts text for numeric fields, as in CSV). Each result has
     * {@code prediction} and, where the model gives them, {@code probabilities} (class -> p) or
     * {@code score}.
     *
     * @throws InvalidRow for a field that is missing or of the wrong type
     */
    List<Map<String, Object>> predict(List<Map<String, Object>> rows, boolean strings) throws InvalidInput;
  }

  /** A request row the model cannot take: which row and field, what is wrong, and what to send instead. */
  final class InvalidRow extends InvalidInput {
    private static final long serialVersionUID = 1L;
    private final String summary;
    private final String field;
    private final String hint;

    public InvalidRow(int row, String field, String problem, String hint) {
      super("row " + row + ": " + problem + (hint == null ? "" : "\n  hint: " + hint));
      this.summary = "row " + row + ": " + problem;
      this.field = field;
      this.hint = hint;
    }

    /** The problem without the hint, e.g. {@code row 0: missing field "x" (numeric)}. */
    public String summary() {
      return summary;
    }

    public String field() {
      return field;
    }

    /** What to send instead, or null. */
    public String hint() {
      return hint;
    }
  }
}
