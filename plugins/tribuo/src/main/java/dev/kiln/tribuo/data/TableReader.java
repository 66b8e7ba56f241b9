package dev.kiln.tribuo.data;

import com.fasterxml.jackson.core.io.NumberInput;
import dev.kiln.api.InvalidInput;
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
 * Reads a CSV or JSON-lines file into a {@link Table}: infers each column's type from the first
 * rows (overridable), then reads every row strictly — a ragged row or a non-number in a numeric
 * column is an {@link InvalidInput} naming the file, line and column.
 */
public final class TableReader {
  /** Rows used to infer column types. */
  public static final int SAMPLE = 1000;

  private static final Pattern ID_NAME = Pattern.compile("(?i)(id|rownames|row_?id|index|.*[_ ]id)");

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

  public static Table read(Path path, String shownName, Options o) throws IOException, InvalidInput {
    if (Files.size(path) == 0) throw new InvalidInput(shownName + ": the file is empty\n  hint: a CSV needs a header line and at least one row");
    String format = o.format() != null ? o.format() : shownName.endsWith(".jsonl") || shownName.endsWith(".ndjson") ? "jsonl" : "csv";
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader in = withoutByteOrderMark(new BufferedReader(new InputStreamReader(Files.newInputStream(path), decoder), 1 << 16));
        Rows rows = format.equals("jsonl") ? Rows.jsonLines(shownName, in, SAMPLE) : Rows.csv(shownName, in, o.delimiter(), o.quote(), 1)) {
      return read(rows, o, shownName);
    } catch (CharacterCodingException e) {
      throw notUtf8(path, shownName);
    }
  }

  /** {@code in} past a leading U+FEFF (the byte order mark Excel and Notepad write), which would otherwise start the first column's name. */
  static BufferedReader withoutByteOrderMark(BufferedReader in) throws IOException {
    in.mark(1);
    if (in.read() != '\uFEFF') in.reset();
    return in;
  }

  /** The error for a file that is not UTF-8, at the line and column (in characters) of its first invalid byte. */
  static InvalidInput notUtf8(Path path, String shownName) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    CharBuffer chars = CharBuffer.allocate(1 << 16);
    long line = 1;
    long col = 1;
    try (InputStream in = Files.newInputStream(path)) {
      boolean eof = false;
      while (true) {
        if (!eof) {
          int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
          if (n < 0) eof = true;
          else bytes.position(bytes.position() + n);
        }
        bytes.flip();
        CoderResult r = decoder.decode(bytes, chars, eof);
        chars.flip();
        while (chars.hasRemaining()) {
          char c = chars.get();
          if (c == '\n') {
            line++;
            col = 1;
          } else if (!Character.isLowSurrogate(c)) {
            col++;
          }
        }
        chars.clear();
        if (r.isError()) {
          String bad = String.format(Locale.ROOT, "0x%02X", bytes.get(bytes.position()) & 0xff);
          return new InvalidInput(shownName + ":" + line + ":" + col + ": not UTF-8: invalid byte " + bad + iconvHint(shownName));
        }
        bytes.compact();
        if (eof && r.isUnderflow()) break;
      }
    }
    return new InvalidInput(shownName + ": not UTF-8" + iconvHint(shownName));
  }

  private static String iconvHint(String shownName) {
    int dot = shownName.lastIndexOf('.');
    String converted = dot > shownName.lastIndexOf('/') && dot > 0 ? shownName.substring(0, dot) + "-utf8" + shownName.substring(dot) : shownName + "-utf8";
    return "\n  hint: the file must be UTF-8; if it was saved as Latin-1 (ISO-8859-1), convert it: iconv -f latin1 -t utf-8 " + shownName + " > " + converted;
  }

  private static Table read(Rows rows, Options o, String file) throws IOException, InvalidInput {
    String[] first = rows.next();
    if (first == null) throw new InvalidInput(file + ": the file is empty\n  hint: a CSV needs a header line and at least one row");
    String[] names;
    List<String[]> sample = new ArrayList<>();
    List<Long> sampleLines = new ArrayList<>();
    if (o.header() || rows.line() == 0) {
      names = header(first, rows);
    } else {
      names = new String[first.length];
      for (int i = 0; i < names.length; i++) names[i] = "column_" + (i + 1);
      sample.add(first);
      sampleLines.add(rows.line());
    }
    int width = names.length;
    String[] r;
    while (sample.size() < SAMPLE && (r = rows.next()) != null) {
      checkWidth(r, width, rows, names);
      sample.add(r);
      sampleLines.add(rows.line());
    }
    if (sample.isEmpty()) throw new InvalidInput(file + ": has a header but no rows");
    for (String name : o.types().keySet()) {
      if (!o.lenientTypes() && !Arrays.asList(names).contains(name)) {
        throw new InvalidInput(file + ": columns: names \"" + name + "\", which is not a column of the file" + hint(name, names));
      }
    }
    if (o.target() != null && !Arrays.asList(names).contains(o.target())) {
      throw new InvalidInput(file + ": the target column \"" + o.target() + "\" is not in the file" + hint(o.target(), names));
    }
    ColumnType[] types = new ColumnType[width];
    for (int c = 0; c < width; c++) {
      ColumnType given = o.types().get(names[c]);
      types[c] = given != null ? given : infer(names[c], c, sample, o.missing(), names[c].equals(o.target()) && o.task() == Task.REGRESSION);
      if (names[c].equals(o.target()) && given == null && o.task() != null) {
        types[c] = o.task() == Task.REGRESSION ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
      } else if (names[c].equals(o.target()) && types[c] != ColumnType.NUMERIC) {
        types[c] = ColumnType.CATEGORICAL; // a text-looking label is still a class
      }
    }
    Task task = o.task();
    if (task == null) task = o.target() == null ? Task.CLUSTERING : types[Arrays.asList(names).indexOf(o.target())] == ColumnType.NUMERIC ? Task.REGRESSION : Task.CLASSIFICATION;
    List<Schema.Column> cols = new ArrayList<>();
    for (int c = 0; c < width; c++) cols.add(new Schema.Column(names[c], types[c]));
    Schema schema = new Schema(cols, o.target(), task, o.positive());
    Builder b = new Builder(schema, o.missing(), file, names, o.dropMissingTarget());
    for (int i = 0; i < sample.size(); i++) b.add(sample.get(i), sampleLines.get(i));
    while ((r = rows.next()) != null) {
      checkWidth(r, width, rows, names);
      b.add(r, rows.line());
    }
    return b.build();
  }

  private static String[] header(String[] first, Rows rows) throws InvalidInput {
    String[] names = new String[first.length];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < first.length; i++) {
      String n = first[i].strip();
      if (n.isEmpty()) n = "column_" + (i + 1);
      if (!seen.add(n)) throw new InvalidInput(rows.file() + ":" + rows.line() + ":" + (i + 1) + ": duplicate column name \"" + n + "\" in the header");
      names[i] = n;
    }
    return names;
  }

  private static void checkWidth(String[] r, int width, Rows rows, String[] names) throws InvalidInput {
    if (r.length != width) {
      throw new InvalidInput(rows.file() + ":" + rows.line() + ": ragged row: " + r.length + " field" + (r.length == 1 ? "" : "s") + ", expected " + width + " (" + String.join(", ", names) + ")"
          + "\n  hint: check the delimiter (delimiter:) and that fields containing it are quoted");
    }
  }

  public static String hint(String name, String[] names) {
    String best = closest(name, Arrays.asList(names));
    return "\n  hint: " + (best != null ? "did you mean \"" + best + "\"? " : "") + "columns: " + String.join(", ", names);
  }

  /** The candidate nearest to {@code s} by edit distance, when it is near enough to be a typo. */
  public static String closest(String s, List<String> candidates) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = dev.kiln.api.EditDistance.between(s.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best != null && bestD <= Math.max(2, s.length() / 3) ? best : null;
  }

  private static ColumnType infer(String name, int c, List<String[]> sample, Set<String> missing, boolean mustBeNumeric) {
    int present = 0;
    int numeric = 0;
    long totalLength = 0;
    boolean spaces = false;
    Set<String> distinct = new HashSet<>();
    for (String[] r : sample) {
      String v = r[c];
      if (missing.contains(v)) continue;
      present++;
      distinct.add(v);
      totalLength += v.length();
      if (v.indexOf(' ') >= 0) spaces = true;
      if (isNumber(v) || isNonFiniteWord(v)) numeric++; // "inf" must not make a number column categorical: it is rejected when read
    }
    if (present == 0) return ColumnType.CATEGORICAL;
    if (numeric == present) {
      if (ID_NAME.matcher(name).matches() && distinct.size() == present) return ColumnType.ID;
      return ColumnType.NUMERIC;
    }
    if (mustBeNumeric) return ColumnType.NUMERIC;
    double avg = (double) totalLength / present;
    if (ID_NAME.matcher(name).matches() && distinct.size() == present) return ColumnType.ID;
    if (spaces && avg > 20 && distinct.size() > present / 2) return ColumnType.TEXT;
    return ColumnType.CATEGORICAL;
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
