package dev.kiln.tribuo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.InvalidInput;
import dev.kiln.tribuo.data.DatasetFile;
import dev.kiln.tribuo.features.Transform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.tribuo.Model;

/**
 * A Kiln model: one zip holding the Tribuo model (its own protobuf form), the fitted feature
 * transform and the model card, so evaluation, batch prediction and serving apply exactly the
 * transform the model was trained with.
 */
public record ModelBundle(Model<?> model, Transform transform, Map<String, Object> card) {
  public static final String MEDIA_TYPE = "application/vnd.kiln.model+zip";
  private static final FileTime FIXED = FileTime.fromMillis(946684800000L);
  private static final ObjectMapper JSON = DatasetFile.json();

  public void write(Path out) throws IOException {
    try (OutputStream os = Files.newOutputStream(out);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      ByteArrayOutputStream m = new ByteArrayOutputStream();
      model.serializeToStream(m);
      entry(zip, "model.tribuo", m.toByteArray());
      entry(zip, "transform.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(transform));
      entry(zip, "card.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(card));
    }
  }

  /** Writes one zip entry with a fixed timestamp, so equal content gives an equal (content-addressed) zip. */
  public static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setLastModifiedTime(FIXED);
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }

  /** Only the card of a bundle, without deserialising the model. */
  public static Map<String, Object> readCard(Path file, String shownName) throws IOException, InvalidInput {
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (e.getName().equals("card.json")) return JSON.readValue(zip.readAllBytes(), new TypeReference<Map<String, Object>>() {});
      }
    } catch (java.util.zip.ZipException ex) {
      throw new InvalidInput(shownName + ": not a Kiln model bundle (" + ex.getMessage() + ")\n  hint: pass the model output of tribuo/train");
    }
    throw new InvalidInput(shownName + ": not a Kiln model bundle (no card.json)\n  hint: pass the model output of tribuo/train");
  }

  public static ModelBundle read(Path file, String shownName) throws IOException, InvalidInput {
    return of(entries(file, shownName), shownName);
  }

  /** A bundle's zip entries, name -> bytes, in zip order. */
  public static Map<String, byte[]> entries(Path file, String shownName) throws IOException, InvalidInput {
    Map<String, byte[]> out = new java.util.LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) out.put(e.getName(), zip.readAllBytes());
    } catch (java.util.zip.ZipException ex) {
      throw new InvalidInput(shownName + ": not a Kiln model bundle (" + ex.getMessage() + ")\n  hint: pass the model output of tribuo/train");
    }
    return out;
  }

  /** The bundle held by {@code entries} (as {@link #entries} reads them). */
  public static ModelBundle of(Map<String, byte[]> entries, String shownName) throws IOException, InvalidInput {
    byte[] model = entries.get("model.tribuo");
    byte[] transform = entries.get("transform.json");
    byte[] card = entries.get("card.json");
    if (model == null || transform == null || card == null) {
      throw new InvalidInput(shownName + ": not a Kiln model bundle (model.tribuo, transform.json and card.json expected)\n  hint: pass the model output of tribuo/train");
    }
    return new ModelBundle(Model.deserializeFromStream(new java.io.ByteArrayInputStream(model)), JSON.readValue(transform, Transform.class),
        JSON.readValue(card, new TypeReference<Map<String, Object>>() {}));
  }

}
