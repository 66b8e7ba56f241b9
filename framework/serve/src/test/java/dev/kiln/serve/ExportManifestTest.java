package dev.kiln.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What kiln serve says of a zip that is not a bundle kiln/export wrote, before it loads anything (ServeIT serves real ones). */
class ExportManifestTest {
  @TempDir Path dir;

  static final byte[] MODEL = "model".getBytes(StandardCharsets.UTF_8);
  static final String NOT_A_BUNDLE = "; export one with a kiln/export step, or serve a registered model as NAME@ALIAS";

  private Path zip(String name, Map<String, byte[]> files) throws Exception {
    Path p = dir.resolve(name);
    try (var zip = new ZipOutputStream(Files.newOutputStream(p))) {
      for (var e : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
      }
    }
    return p;
  }

  private static byte[] manifest(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheManifestOfABundleWhoseEntriesMatchIt() throws Exception {
    Path p = zip("ok.zip", Map.of("model.tribuo", MODEL, "kiln-export.json", manifest("{\"name\": \"iris\", \"model-media-type\": \"application/vnd.kiln.model+zip\", "
        + "\"source-sha256\": \"abc\", \"files\": {\"model.tribuo\": \"" + Sha256.hex(MODEL) + "\"}}")));
    ExportManifest m = ExportManifest.read(p);
    assertThat(m.name()).isEqualTo("iris");
    assertThat(m.modelMediaType()).isEqualTo("application/vnd.kiln.model+zip");
    assertThat(m.sourceSha256()).isEqualTo("abc");
  }

  @Test
  void aZipWithoutAManifestIsNotABundle() throws Exception {
    Path p = zip("plain.zip", Map.of("model.tribuo", MODEL));
    assertThatThrownBy(() -> ExportManifest.read(p)).isInstanceOf(ServeProblem.class)
        .hasMessage(p + ": not a kiln/export bundle (no kiln-export.json)" + NOT_A_BUNDLE);
  }

  @Test
  void aManifestThatIsNotJsonOrNamesNoModelOrListsNoFilesIsNotABundle() throws Exception {
    Path json = zip("json.zip", Map.of("kiln-export.json", manifest("{nope")));
    assertThatThrownBy(() -> ExportManifest.read(json)).hasMessage(json + ": not a kiln/export bundle (kiln-export.json is not valid JSON)" + NOT_A_BUNDLE);
    Path named = zip("named.zip", Map.of("kiln-export.json", manifest("{\"name\": \"iris\"}")));
    assertThatThrownBy(() -> ExportManifest.read(named))
        .hasMessage(named + ": not a kiln/export bundle (kiln-export.json names no model (name, model-media-type))" + NOT_A_BUNDLE);
    Path listed = zip("listed.zip", Map.of("kiln-export.json", manifest("{\"name\": \"iris\", \"model-media-type\": \"application/vnd.kiln.model+zip\"}")));
    assertThatThrownBy(() -> ExportManifest.read(listed))
        .hasMessage(listed + ": not a kiln/export bundle (kiln-export.json lists no files with their SHA-256 (files))" + NOT_A_BUNDLE);
  }

  @Test
  void anEntryThatIsInTheZipTwiceIsRefused() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("model.tribuo", MODEL);
    files.put("model.tribup", MODEL); // renamed below: ZipOutputStream refuses to write a name twice
    files.put("kiln-export.json", manifest("{\"name\": \"iris\", \"model-media-type\": \"application/vnd.kiln.model+zip\", \"files\": {\"model.tribuo\": \""
        + Sha256.hex(MODEL) + "\"}}"));
    Path p = zip("twice.zip", files);
    byte[] b = Files.readAllBytes(p);
    String latin = new String(b, StandardCharsets.ISO_8859_1).replace("model.tribup", "model.tribuo");
    Files.write(p, latin.getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> ExportManifest.read(p))
        .hasMessage(p + ": refused: entry \"model.tribuo\" is in the zip twice; the bundle was changed or damaged after export: export the model again");
  }
}
