package dev.kiln.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Sha256;
import dev.kiln.engine.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * The manifest ({@code kiln-export.json}) of the bundle {@code file} written by {@code kiln/export}:
 * what serving it needs. Reading it checks the whole bundle against the manifest first: every entry
 * must be listed with its SHA-256, and no entry may inflate past {@link #MAX_ENTRY_BYTES}.
 */
record ExportManifest(Path file, String name, String modelMediaType, String sourceSha256) {
  static final String FILE = "kiln-export.json";
  /** The most one entry may inflate to: a zip bomb (GiBs of zeros in a small zip) is refused before it is read whole. */
  static final long MAX_ENTRY_BYTES = 256L << 20;
  private static final String EXPORT_AGAIN = "the bundle was changed or damaged after export: export the model again";

  static ExportManifest read(Path bundle) {
    Map<String, String> sums = new LinkedHashMap<>();
    byte[] manifest = null;
    // one pass with ZipInputStream, as the runtime reads the bundle afterwards, so both see the same entries
    try (InputStream in = Files.newInputStream(bundle);
        ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      byte[] buf = new byte[64 << 10];
      while ((e = zip.getNextEntry()) != null) {
        String entry = e.getName();
        if (sums.containsKey(entry)) throw refused(bundle, "entry \"" + entry + "\" is in the zip twice; " + EXPORT_AGAIN);
        MessageDigest md = Sha256.digest();
        ByteArrayOutputStream kept = entry.equals(FILE) ? new ByteArrayOutputStream() : null;
        long size = 0;
        int n;
        while ((n = zip.read(buf)) > 0) {
          size += n;
          if (size > MAX_ENTRY_BYTES) {
            throw refused(bundle, "entry \"" + entry + "\" inflates to more than " + MAX_ENTRY_BYTES + " bytes (" + (MAX_ENTRY_BYTES >> 20)
                + " MiB), the limit for one bundle entry; the file is damaged or was not written by kiln/export");
          }
          md.update(buf, 0, n);
          if (kept != null) kept.write(buf, 0, n);
        }
        sums.put(entry, Sha256.hex(md));
        if (kept != null) manifest = kept.toByteArray();
      }
    } catch (ZipException ex) {
      throw notABundle(bundle, "not a zip: " + ex.getMessage());
    } catch (IOException ex) {
      throw new ServeProblem(bundle + ": cannot read: " + ex.getMessage());
    }
    if (manifest == null) throw notABundle(bundle, "no " + FILE);
    JsonNode m;
    try {
      m = Json.read(new String(manifest, StandardCharsets.UTF_8));
    } catch (RuntimeException ex) {
      throw notABundle(bundle, FILE + " is not valid JSON");
    }
    String name = m.path("name").asText("");
    String media = m.path("model-media-type").asText("");
    if (name.isEmpty() || media.isEmpty()) throw notABundle(bundle, FILE + " names no model (name, model-media-type)");
    JsonNode files = m.path("files");
    if (!files.isObject() || files.isEmpty()) throw notABundle(bundle, FILE + " lists no files with their SHA-256 (files)");
    var listed = files.fields();
    while (listed.hasNext()) {
      var f = listed.next();
      String actual = sums.get(f.getKey());
      if (actual == null) throw refused(bundle, FILE + " lists \"" + f.getKey() + "\", which is not in the zip; " + EXPORT_AGAIN);
      if (!actual.equals(f.getValue().asText())) throw refused(bundle, "entry \"" + f.getKey() + "\" does not match the SHA-256 " + FILE + " lists for it; " + EXPORT_AGAIN);
    }
    for (String entry : sums.keySet()) {
      if (!entry.equals(FILE) && !files.has(entry)) throw refused(bundle, "entry \"" + entry + "\" is not listed in " + FILE + "; " + EXPORT_AGAIN);
    }
    return new ExportManifest(bundle, name, media, m.path("source-sha256").asText(""));
  }

  private static ServeProblem refused(Path bundle, String why) {
    return new ServeProblem(bundle + ": refused: " + why);
  }

  private static ServeProblem notABundle(Path bundle, String why) {
    return new ServeProblem(bundle + ": not a kiln/export bundle (" + why + "); export one with a kiln/export step, or serve a registered model as NAME@ALIAS");
  }
}
