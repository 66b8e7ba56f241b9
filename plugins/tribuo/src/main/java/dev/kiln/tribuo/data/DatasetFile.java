package dev.kiln.tribuo.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.kiln.api.InvalidInput;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The dataset artifact: CSV whose first line is {@code #kiln-dataset <schema JSON>}, then a header
 * and the rows. Written deterministically (fixed number format, fixed quoting), so the same data
 * always has the same content hash; readable by any CSV reader that skips {@code #} comments.
 */
public final class DatasetFile {
  public static final String MEDIA_TYPE = "text/csv";
  private static final String MAGIC = "#kiln-dataset ";
  static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final CsvMapper CSV = new CsvMapper();

  private DatasetFile() {}

  /** Whether {@code file} starts with the dataset line (false for other text, binary, or non-UTF-8 files). */
  public static boolean isDataset(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      return first != null && first.startsWith(MAGIC);
    } catch (java.nio.charset.MalformedInputException e) {
      return false;
    }
  }

  public static void write(Table t, Path out) throws IOException {
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write(MAGIC);
      w.write(JSON.writeValueAsString(t.schema()));
      w.write('\n');
      writeCsv(t, w);
    }
  }

  /** Plain CSV (header + rows) of the table, no schema line. */
  public static void writeCsv(Table t, Writer w) throws IOException {
    CsvSchema schema = CsvSchema.emptySchema().withoutHeader().withLineSeparator("\n");
    try (CsvGenerator g = CSV.getFactory().createGenerator(w)) {
      g.setSchema(schema);
      g.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartArray();
      for (Schema.Column c : t.schema().columns()) g.writeString(c.name());
      g.writeEndArray();
      int width = t.width();
      for (int r = 0; r < t.rows(); r++) {
        g.writeStartArray();
        for (int c = 0; c < width; c++) {
          Object col = t.column(c);
          if (col instanceof double[] d) g.writeString(Values.format(d[r]));
          else {
            String s = ((String[]) col)[r];
            g.writeString(s == null ? "" : s);
          }
        }
        g.writeEndArray();
      }
    }
  }

  public static Table read(Path file, String shownName) throws IOException, InvalidInput {
    Schema schema;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null || !first.startsWith(MAGIC)) {
        throw new InvalidInput(shownName + ": not a Kiln dataset (no #kiln-dataset line)\n  hint: pass an output of tribuo/ingest (e.g. ${{ steps.ingest.outputs.train }})");
      }
      schema = JSON.readValue(first.substring(MAGIC.length()), Schema.class);
      try (Rows rows = Rows.csv(shownName, in, ',', '"', 2)) {
        String[] header = rows.next();
        if (header == null || header.length != schema.columns().size()) throw new InvalidInput(shownName + ": the header does not match the dataset's schema");
        TableReader.Builder b = new TableReader.Builder(schema, Set.of(""), shownName, header, false);
        String[] r;
        while ((r = rows.next()) != null) {
          if (r.length != header.length) throw new InvalidInput(shownName + ":" + rows.line() + ": ragged row in a dataset artifact");
          b.add(r, rows.line());
        }
        return b.build();
      }
    }
  }

  public static ObjectMapper json() {
    return JSON;
  }
}
