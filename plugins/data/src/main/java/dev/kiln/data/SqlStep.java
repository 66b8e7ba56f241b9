package dev.kiln.data;

import dev.kiln.dataset.Datasets;
import dev.kiln.dataset.Ingest;

import static dev.kiln.dataset.Datasets.ident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL query over named datasets, run by DuckDB; the result is a dataset. Each input is a view
 * named by its key. The query's syntax is checked when the params bind ({@code kiln validate} and
 * run start), so a syntax error is reported at {@code with.query} with its line and column inside
 * the query; a name or type error is found when the inputs are there, at run time.
 */
final class SqlStep implements StepType<SqlStep.Params> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final ObjectMapper JSON = new ObjectMapper();

  record Params(
      @Param(value = "name -> dataset (an artifact, or a Parquet, CSV or JSON lines file); each is a view of that name", required = true) Map<String, Artifact> inputs,
      @Param(value = "the SQL query (DuckDB's dialect)", required = true) String query,
      @Param(value = "columns the result is sorted by, so the file is the same whatever DuckDB's thread count", defaultValue = "every column, left to right") List<String> orderBy) {
    Params {
      if (inputs != null) {
        for (String k : inputs.keySet()) {
          if (!NAME.matcher(k).matches()) throw new InvalidParamException("inputs." + k, true, "the input name \"" + k + "\" is not a SQL name", "use letters, digits and _, starting with a letter");
        }
      }
      if (query != null && !query.contains("${{")) {
        String problem = syntaxError(query);
        if (problem != null) throw new InvalidParamException("query", false, problem, "the query is DuckDB SQL: https://duckdb.org/docs/sql/introduction");
      }
      orderBy = orderBy == null ? List.of() : orderBy;
    }
  }

  /** DuckDB's parser on {@code query}: null when it parses, else the error at its line and column within the query. */
  static String syntaxError(String query) {
    try (Connection c = Datasets.connect(1); PreparedStatement s = c.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      s.setString(1, query);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        JsonNode j = JSON.readTree(r.getString(1));
        if (!j.path("error").asBoolean()) {
          if (j.path("statements").size() != 1) return "the query must be one SELECT statement, found " + j.path("statements").size() + " statements";
          return null;
        }
        String message = j.path("error_message").asText();
        if (!j.hasNonNull("position")) return "SQL error: " + message;
        int pos = Integer.parseInt(j.path("position").asText());
        return "SQL error at " + lineCol(query, pos) + " of the query: " + message;
      }
    } catch (SQLException | IOException | NumberFormatException e) {
      return null; // the parser could not be asked: the query is checked when it runs
    }
  }

  /** "line L, column C" (1-based) of the character offset {@code pos} in {@code text}. */
  static String lineCol(String text, int pos) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return "line " + line + ", column " + col;
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "data/sql",
        "Runs a SQL query (DuckDB) over named datasets; the result is a Parquet dataset",
        Params.class,
        "1",
        List.of(Output.artifact("data", "the query's result: Parquet, roles carried over from the inputs for the columns it keeps"), Output.value("rows", "rows in the result")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    try (Connection c = Datasets.connect()) {
      List<Datasets.Roles> roles = new ArrayList<>();
      for (var e : p.inputs().entrySet()) {
        Path f = ctx.open(e.getValue());
        String shown = IngestStep.shown(e.getValue());
        String reader = reader(f, shown);
        try {
          Datasets.exec(c, "CREATE VIEW " + ident(e.getKey()) + " AS SELECT * FROM " + reader);
          if (reader.startsWith("read_parquet")) roles.add(Datasets.meta(c, f).roles());
        } catch (SQLException ex) {
          throw new InvalidInput(shown + ": cannot be read as input \"" + e.getKey() + "\": " + Ingest.firstLine(ex.getMessage()));
        }
      }
      try (PreparedStatement s = c.prepareStatement(p.query())) {
        s.getMetaData();
      } catch (SQLException ex) {
        throw new InvalidInput("with.query: " + located(ex.getMessage()) + "\n  hint: inputs: " + String.join(", ", p.inputs().keySet()));
      }
      List<String> columns = Datasets.columns(c, "(" + p.query() + ")");
      for (String o : p.orderBy()) {
        if (!columns.contains(o)) throw new InvalidInput("with.order-by: \"" + o + "\" is not a column of the result" + Ingest.hint(o, columns));
      }
      List<String> order = new ArrayList<>();
      for (String o : p.orderBy().isEmpty() ? columns : p.orderBy()) order.add(ident(o));
      Datasets.Roles merged = merge(roles, columns);
      String select = "SELECT * FROM (" + p.query() + "\n) AS q ORDER BY " + String.join(", ", order);
      Artifact data;
      try {
        data = Datasets.store(ctx, c, select, merged, "all", "data.parquet");
      } catch (SQLException ex) {
        throw new InvalidInput("with.query: " + located(ex.getMessage()));
      }
      long rows = Datasets.count(c, "SELECT count(*) FROM read_parquet(" + Datasets.literal(ctx.open(data).toString()) + ")");
      return StepResult.builder().output("data", data).output("rows", rows).metric("rows", rows).build();
    }
  }

  private static String reader(Path f, String shown) {
    String n = shown.toLowerCase(java.util.Locale.ROOT);
    String lit = Datasets.literal(f.toString());
    if (n.endsWith(".csv") || n.endsWith(".tsv")) return "read_csv(" + lit + ")";
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) return "read_json(" + lit + ", format = 'newline_delimited')";
    return "read_parquet(" + lit + ")";
  }

  /** For each role, the first input's column that has it and that the result keeps. */
  private static Datasets.Roles merge(List<Datasets.Roles> all, List<String> columns) {
    String target = null, id = null, weight = null, time = null;
    List<String> text = new ArrayList<>();
    for (Datasets.Roles r : all) {
      Datasets.Roles k = r.keep(columns);
      if (target == null) target = k.target();
      if (id == null) id = k.id();
      if (weight == null) weight = k.weight();
      if (time == null) time = k.time();
      for (String t : k.text()) if (!text.contains(t)) text.add(t);
    }
    return new Datasets.Roles(target, id, weight, text, time);
  }

  private static final Pattern LINE = Pattern.compile("\\nLINE (\\d+): (.*)\\n( *)\\^");

  /** DuckDB's message as "line L, column C of the query: message" when it points at a place. */
  static String located(String message) {
    String first = Ingest.firstLine(message);
    Matcher m = LINE.matcher(message == null ? "" : message);
    if (!m.find()) return first;
    int col = m.group(3).length() - ("LINE " + m.group(1) + ": ").length() + 1;
    String detail = message.substring(0, m.start()).strip();
    return "SQL error at line " + m.group(1) + ", column " + col + " of the query: " + detail.replace("\n", " ");
  }
}
