package dev.kiln.engine.exec;

import java.nio.file.Path;
import java.util.Locale;

/** Media types from file names, for the artifact store's metadata. */
public final class MediaTypes {
  private MediaTypes() {}

  public static String guess(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".csv")) return "text/csv";
    if (n.endsWith(".json")) return "application/json";
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) return "application/x-ndjson";
    if (n.endsWith(".txt") || n.endsWith(".log")) return "text/plain";
    if (n.endsWith(".html")) return "text/html";
    if (n.endsWith(".png")) return "image/png";
    if (n.endsWith(".svg")) return "image/svg+xml";
    if (n.endsWith(".yaml") || n.endsWith(".yml")) return "application/yaml";
    if (n.endsWith(".onnx")) return "application/onnx";
    return "application/octet-stream";
  }
}
