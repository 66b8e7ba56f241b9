package dev.kiln.serve;

import dev.kiln.api.AtomicFiles;
import dev.kiln.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an alias points, as a file under {@code KILN_HOME/aliases/} written (atomically) after every
 * alias move through this home. {@code kiln serve} on the embedded H2 store watches these instead
 * of holding the database, which one process at a time may open.
 *
 * @param sha256 the version's model artifact
 */
public record AliasPointer(String model, String alias, int version, String sha256, String mediaType) {

  static Path file(Path home, String model, String alias) {
    return home.resolve("aliases").resolve(model + "@" + alias + ".json");
  }

  public void write(Path home) {
    try {
      Path f = file(home, model, alias);
      Files.createDirectories(f.getParent());
      AtomicFiles.write(f, Json.write(this).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void remove(Path home, String model, String alias) {
    try {
      Files.deleteIfExists(file(home, model, alias));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Optional<AliasPointer> read(Path home, String model, String alias) {
    Path f = file(home, model, alias);
    try {
      if (!Files.exists(f)) return Optional.empty();
      var n = Json.read(Files.readString(f));
      return Optional.of(new AliasPointer(model, alias, n.path("version").asInt(), n.path("sha256").asText(), n.path("mediaType").asText()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // being replaced: the next poll reads it
    }
  }

}
