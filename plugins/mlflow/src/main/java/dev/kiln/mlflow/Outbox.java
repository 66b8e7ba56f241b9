package dev.kiln.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The durable outbox of one Kiln run: {@code <KILN_HOME>/outbox/mlflow/<run id>/}. Tracking events
 * are appended to {@code events.jsonl} (one JSON object per line, numbered by {@code seq}) before
 * anything is sent; {@code state.json} (replaced atomically) says how far delivery got and which
 * MLflow run each Kiln step became, so delivery resumes after an outage or a killed process and
 * never sends a delivered event twice. A torn last line (a crash mid-append) is ignored.
 */
final class Outbox {
  static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private long seq;

  private Outbox(Path dir, long seq) {
    this.dir = dir;
    this.seq = seq;
  }

  static Path root(Path home) {
    return home.resolve("outbox").resolve("mlflow");
  }

  /** Opens (or, for a resumed run, reopens) the outbox of a run, recording the server it goes to. */
  static Outbox open(Path home, String runId, String trackingUri) {
    Path dir = root(home).resolve(runId);
    try {
      Files.createDirectories(dir.resolve("files"));
      ObjectNode meta = JSON.createObjectNode().put("runId", runId).put("trackingUri", trackingUri);
      AtomicFiles.write(dir.resolve("meta.json"), JSON.writeValueAsBytes(meta));
      List<JsonNode> existing = read(dir, 0);
      return new Outbox(dir, existing.isEmpty() ? 0 : existing.get(existing.size() - 1).get("seq").asLong());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the tracking outbox " + dir + ": " + e.getMessage(), e);
    }
  }

  Path dir() {
    return dir;
  }

  /** Appends an event (numbered here) and returns its seq. */
  synchronized long append(ObjectNode event) {
    event.put("seq", ++seq);
    try (FileChannel ch = FileChannel.open(dir.resolve("events.jsonl"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) ch.write(b);
      if (event.path("type").asText().equals("close")) ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tracking outbox " + dir + ": " + e.getMessage(), e);
    }
    return seq;
  }

  synchronized long lastSeq() {
    return seq;
  }

  /** Keeps a file with the run's outbox (e.g. the pipeline as run, a long param's full value). */
  Path keep(String name, byte[] content) {
    Path f = dir.resolve("files").resolve(name);
    try {
      Files.createDirectories(f.getParent());
      AtomicFiles.write(f, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  /** Events with seq > {@code after}, in order; a torn last line is left out. */
  static List<JsonNode> read(Path dir, long after) throws IOException {
    Path f = dir.resolve("events.jsonl");
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(f)) return out;
    String text = Files.readString(f, StandardCharsets.UTF_8);
    int start = 0;
    while (true) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) break; // a line without its newline was being written when the process died
      String line = text.substring(start, nl);
      start = nl + 1;
      if (line.isBlank()) continue;
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException torn) {
        continue;
      }
      if (n.path("seq").asLong() > after) out.add(n);
    }
    return out;
  }

  /** The run directories with an outbox, oldest first (run ids start with their UTC start time). */
  static List<Path> runs(Path home) throws IOException {
    Path root = root(home);
    if (!Files.isDirectory(root)) return List.of();
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }
}
