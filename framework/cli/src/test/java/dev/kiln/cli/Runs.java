package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the JSON that {@code kiln run --json} prints. */
final class Runs {
  private static final ObjectMapper M = new ObjectMapper();

  private Runs() {}

  static JsonNode parse(Cli.Result r) {
    try {
      return M.readTree(r.out());
    } catch (Exception e) {
      throw new AssertionError("not JSON (exit " + r.exit() + "): " + r.out() + "\nstderr:\n" + r.err(), e);
    }
  }

  /** step instance id -> status */
  static Map<String, String> statuses(Cli.Result r) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode s : parse(r).get("steps")) out.put(s.get("id").asText(), s.get("status").asText());
    return new java.util.TreeMap<>(out);
  }

  static JsonNode step(Cli.Result r, String id) {
    for (JsonNode s : parse(r).get("steps")) if (s.get("id").asText().equals(id)) return s;
    throw new AssertionError("no step " + id + " in " + r.out());
  }
}
