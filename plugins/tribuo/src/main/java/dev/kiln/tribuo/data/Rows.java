package dev.kiln.tribuo.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.kiln.api.InvalidInput;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A stream of rows of text fields, each with the line it starts on; CSV or JSON lines. */
public abstract class Rows implements Closeable {
  private static final CsvMapper CSV = new CsvMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  protected final String file;
  protected long line;

  Rows(String file) {
    this.file = file;
  }

  /** The next row, or null at the end. */
  public abstract String[] next() throws IOException, InvalidInput;

  /** The line the last row returned by {@link #next} starts on (1-based). */
  public long line() {
    return line;
  }

  public String file() {
    return file;
  }

  /** CSV rows through Jackson's streaming CSV parser (RFC 4180 quoting, any delimiter). */
  public static Rows csv(String file, Reader in, char delimiter, char quote, long firstLine) throws IOException {
    CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter).withQuoteChar(quote).withoutHeader();
    CsvParser p = CSV.getFactory().createParser(in);
    p.setSchema(schema);
    p.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    p.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    p.enable(CsvParser.Feature.TRIM_SPACES);
    return new Rows(file) {
      private final List<String> fields = new ArrayList<>();
      private boolean inRow;

      @Override
      public String[] next() throws IOException, InvalidInput {
        try {
          JsonToken t;
          while ((t = p.nextToken()) != null) {
            if (t == JsonToken.START_ARRAY) {
              fields.clear();
              inRow = true;
            } else if (t == JsonToken.END_ARRAY) {
              if (!inRow) continue; // Jackson closes the outer array at the end of input
              inRow = false;
              return fields.toArray(new String[0]);
            } else {
              if (fields.isEmpty()) line = p.currentTokenLocation().getLineNr() + firstLine - 1;
              fields.add(p.getText());
            }
          }
          return null;
        } catch (JsonProcessingException e) {
          long at = e.getLocation() == null ? line : e.getLocation().getLineNr() + firstLine - 1;
          throw new InvalidInput(file + ":" + at + ": malformed CSV: " + e.getOriginalMessage() + "\n  hint: check the quoting and the delimiter (delimiter: and quote: in the step's with:)");
        }
      }

      @Override
      public void close() throws IOException {
        p.close();
      }
    };
  }

  /**
   * JSON lines: one object per line. The field names are those of the first {@code sample} lines
   * in order of appearance; a later line with another field is an error.
   */
  public static Rows jsonLines(String file, BufferedReader in, int sample) throws IOException, InvalidInput {
    List<ObjectNode> head = new ArrayList<>();
    List<Long> headLines = new ArrayList<>();
    Map<String, Integer> names = new LinkedHashMap<>();
    long[] counter = {0};
    class Reading {
      ObjectNode read() throws IOException, InvalidInput {
        String s;
        while ((s = in.readLine()) != null) {
          counter[0]++;
          if (s.isBlank()) continue;
          JsonNode n;
          try {
            n = JSON.readTree(s);
          } catch (JsonProcessingException e) {
            throw new InvalidInput(file + ":" + counter[0] + ":" + e.getLocation().getColumnNr() + ": malformed JSON: " + e.getOriginalMessage());
          }
          if (!(n instanceof ObjectNode o)) throw new InvalidInput(file + ":" + counter[0] + ": expected a JSON object per line, found " + n.getNodeType().name().toLowerCase());
          return o;
        }
        return null;
      }
    }
    Reading r = new Reading();
    ObjectNode o;
    while (head.size() < sample && (o = r.read()) != null) {
      head.add(o);
      headLines.add(counter[0]);
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) names.putIfAbsent(it.next(), names.size());
    }
    String[] header = names.keySet().toArray(new String[0]);
    return new Rows(file) {
      int headAt = -1;

      @Override
      public String[] next() throws IOException, InvalidInput {
        if (headAt == -1) {
          headAt = 0;
          line = 0;
          return header.clone();
        }
        ObjectNode obj;
        if (headAt < head.size()) {
          obj = head.get(headAt);
          line = headLines.get(headAt++);
        } else {
          obj = r.read();
          line = counter[0];
          if (obj == null) return null;
        }
        String[] out = new String[header.length];
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          Integer i = names.get(e.getKey());
          if (i == null) throw new InvalidInput(file + ":" + line + ": field \"" + e.getKey() + "\" does not appear in the first " + head.size() + " lines\n  hint: known fields: " + String.join(", ", header));
          JsonNode v = e.getValue();
          if (v.isContainerNode()) throw new InvalidInput(file + ":" + line + ": field \"" + e.getKey() + "\" holds a " + v.getNodeType().name().toLowerCase() + "; expected a number, string, boolean or null");
          out[i] = v.isNull() ? "" : v.asText();
        }
        for (int i = 0; i < out.length; i++) if (out[i] == null) out[i] = "";
        return out;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

}
