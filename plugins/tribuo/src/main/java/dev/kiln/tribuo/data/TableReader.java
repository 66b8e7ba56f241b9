package dev.kiln.tribuo.data;

import com.fasterxml.jackson.core.io.NumberInput;
import dev.kiln.api.InvalidInput;
import dev.kiln.dataset.Ingest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the Tribuo steps' reading shares: the options of a read ({@link DuckTableReader} reads files,
 * through framework/dataset's DuckDB reader), the rule that names an id column, typo hints, and the
 * row builder that still reads dataset CSVs written by earlier versions ({@link DatasetFile}).
 */
public final class TableReader {
  /** Rows used to infer column types. */
  public static final int SAMPLE = 1000;

  static final Pattern ID_NAME = Pattern.compile("(?i)(id|rownames|row_?id|index|.*[_ ]id)");

  /** How to read a file. */
  public record Options(
      String format,
      char delimiter,
      char quote,
      boolean header,
      Set<String> missing,
      Map<String, ColumnType> types,
      String target,
      Task task,
      String positive,
      boolean dropMissingTarget,
      boolean lenientTypes) {}

  private TableReader() {}

  public static String hint(String name, String[] names) {
    return Ingest.hint(name, Arrays.asList(names));
  }

  /** The candidate nearest to {@code s} by edit distance, when it is near enough to be a typo. */
  public static String closest(String s, List<String> candidates) {
    return Ingest.closest(s, candidates);
  }

  static boolean isNumber(String v) {
    if (v.isEmpty()) return false;
    char ch = v.charAt(0);
    if (!(ch >= '0' && ch <= '9') && ch != '-' && ch != '+' && ch != '.') return false;
    try {
      NumberInput.parseDouble(v, true);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static final Pattern NON_FINITE_WORD = Pattern.compile("(?i)[+-]?(inf|infinity|nan)");

  /** Spellings of infinity and not-a-number that spreadsheets and numpy write. */
  static boolean isNonFiniteWord(String v) {
    return v.length() <= 9 && NON_FINITE_WORD.matcher(v).matches();
  }

  /** The error for a value of a numeric column that is infinite, not a number, or beyond a double's range. */
  static InvalidInput notFinite(String file, long line, int col, String name, String v) {
    return new InvalidInput(file + ":" + line + ":" + col + ": column \"" + name + "\" is numeric, found \"" + shorten(v) + "\", which is not a finite number"
        + "\n  hint: numbers must be finite (at most about 1.8e308 in magnitude); if \"" + shorten(v) + "\" marks an unknown value, list it under missing: (e.g. missing: ['', NA, '" + shorten(v) + "'])");
  }

  /** Collects typed columns row by row. */
  static final class Builder {
    private final Schema schema;
    private final Set<String> missing;
    private final String file;
    private final String[] names;
    private final double[][] nums;
    private final String[][] strs;
    private final Map<String, String>[] intern;
    private int rows;
    private final int targetIndex;

    @SuppressWarnings("unchecked")
    private final boolean dropMissingTarget;
    long dropped;

    Builder(Schema schema, Set<String> missing, String file, String[] names, boolean dropMissingTarget) {
      this.dropMissingTarget = dropMissingTarget;
      this.schema = schema;
      this.missing = missing;
      this.file = file;
      this.names = names;
      int w = schema.columns().size();
      nums = new double[w][];
      strs = new String[w][];
      intern = new Map[w];
      for (int c = 0; c < w; c++) {
        if (schema.columns().get(c).type() == ColumnType.NUMERIC) nums[c] = new double[1024];
        else {
          strs[c] = new String[1024];
          if (schema.columns().get(c).type() == ColumnType.CATEGORICAL) intern[c] = new HashMap<>();
        }
      }
      targetIndex = schema.target() == null ? -1 : schema.index(schema.target());
    }

    void add(String[] r, long line) throws InvalidInput {
      if (rows == Integer.MAX_VALUE - 16) throw new InvalidInput(file + ": more than 2^31 rows");
      if (targetIndex >= 0 && dropMissingTarget && missing.contains(r[targetIndex])) {
        dropped++;
        return;
      }
      for (int c = 0; c < r.length; c++) {
        String v = r[c];
        boolean miss = missing.contains(v);
        if (miss && c == targetIndex) {
          throw new InvalidInput(file + ":" + line + ":" + (c + 1) + ": the target \"" + names[c] + "\" is missing in this row"
              + "\n  hint: remove the row, or set drop-missing-target: true to skip such rows");
        }
        if (nums[c] != null) {
          if (rows == nums[c].length) nums[c] = Arrays.copyOf(nums[c], nums[c].length * 2);
          double d = Double.NaN;
          if (!miss) {
            try {
              d = NumberInput.parseDouble(v, true);
            } catch (NumberFormatException e) {
              if (isNonFiniteWord(v)) throw notFinite(file, line, c + 1, names[c], v);
              throw new InvalidInput(file + ":" + line + ":" + (c + 1) + ": column \"" + names[c] + "\" is numeric, found \"" + shorten(v) + "\""
                  + "\n  hint: declare it another type (columns: {" + names[c] + ": categorical}) or list \"" + shorten(v) + "\" under missing:");
            }
            if (!Double.isFinite(d)) throw notFinite(file, line, c + 1, names[c], v);
          }
          nums[c][rows] = d;
        } else {
          if (rows == strs[c].length) strs[c] = Arrays.copyOf(strs[c], strs[c].length * 2);
          String s = miss ? null : v;
          if (s != null && intern[c] != null) {
            String prev = intern[c].putIfAbsent(s, s);
            if (prev != null) s = prev;
          }
          strs[c][rows] = s;
        }
      }
      rows++;
    }

    Table build() {
      Object[] cols = new Object[nums.length];
      for (int c = 0; c < cols.length; c++) cols[c] = nums[c] != null ? Arrays.copyOf(nums[c], rows) : Arrays.copyOf(strs[c], rows);
      return new Table(schema, cols, rows);
    }
  }

  static String shorten(String v) {
    return v.length() > 40 ? v.substring(0, 37) + "..." : v;
  }

  /** Default missing-value markers. */
  public static Set<String> defaultMissing() {
    return new HashSet<>(List.of("", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"));
  }

  /** The {@code columns:} overrides of a step (name -> type name) as types, in order. */
  public static Map<String, ColumnType> types(Map<String, String> raw) {
    Map<String, ColumnType> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> out.put(k, ColumnType.parse(v)));
    return out;
  }
}
