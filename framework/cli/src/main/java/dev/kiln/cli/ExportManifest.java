package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.exec.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/** The manifest ({@code kiln-export.json}) of the bundle {@code file} written by {@code kiln/export}: what serving it needs. */
record ExportManifest(Path file, String name, String modelMediaType, String sourceSha256) {
  static final String FILE = "kiln-export.json";

  static ExportManifest read(Path bundle) {
    try (InputStream in = Files.newInputStream(bundle);
        ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (!e.getName().equals(FILE)) continue;
        JsonNode m = Json.read(new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        String name = m.path("name").asText("");
        String media = m.path("model-media-type").asText("");
        if (name.isEmpty() || media.isEmpty()) throw notABundle(bundle, FILE + " names no model (name, model-media-type)");
        return new ExportManifest(bundle, name, media, m.path("source-sha256").asText(""));
      }
    } catch (ZipException ex) {
      throw notABundle(bundle, "not a zip: " + ex.getMessage());
    } catch (IOException ex) {
      throw new Errors.UsageProblem(bundle + ": cannot read: " + ex.getMessage());
    } catch (RuntimeException ex) {
      if (ex instanceof Errors.UsageProblem u) throw u;
      throw notABundle(bundle, FILE + " is not valid JSON");
    }
    throw notABundle(bundle, "no " + FILE);
  }

  private static Errors.UsageProblem notABundle(Path bundle, String why) {
    return new Errors.UsageProblem(bundle + ": not a kiln/export bundle (" + why + "); export one with a kiln/export step, or serve a registered model as NAME@ALIAS");
  }
}
