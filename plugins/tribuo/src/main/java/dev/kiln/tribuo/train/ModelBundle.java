package dev.kiln.tribuo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.ModelCard;
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
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.tribuo.Model;

/**
 * A Kiln model: one zip holding the Tribuo model (its own protobuf form), the fitted feature
 * transform and the model card, so evaluation, batch prediction and serving apply exactly the
 * transform the model was trained with.
 */
public record ModelBundle(Model<?> model, Transform transform, ModelCard card) {
  public static final String MEDIA_TYPE = "application/vnd.kiln.model+zip";
  public static final String FRAMEWORK = "tribuo";
  private static final FileTime FIXED = FileTime.fromMillis(946684800000L);
  private static final ObjectMapper JSON = DatasetFile.json();
  private static final java.util.Set<String> FILES = java.util.Set.of("model.tribuo", "transform.json", "card.json");
  /** The most one entry may inflate to: a zip bomb (GiBs of zeros in a small zip) is refused before it is read whole. */
  public static final long MAX_ENTRY_BYTES = 256L << 20;

  public void write(Path out) throws IOException {
    try (OutputStream os = Files.newOutputStream(out);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      ByteArrayOutputStream m = new ByteArrayOutputStream();
      model.serializeToStream(m);
      entry(zip, "model.tribuo", m.toByteArray());
      entry(zip, "transform.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(transform));
      entry(zip, "card.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(card.toMap()));
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
  public static ModelCard readCard(Path file, String shownName) throws IOException, InvalidInput {
    byte[] card = entries(file, shownName, "card.json"::equals).get("card.json");
    if (card == null) throw new InvalidInput(shownName + ": not a Kiln model bundle (no card.json)\n  hint: pass the model output of tribuo/train");
    try {
      return card(JSON.readValue(card, new TypeReference<Map<String, Object>>() {}));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw notABundle(shownName, "card.json is not valid: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
  }

  /** The typed card of a bundle's card.json; a card written before cards named their framework gets Tribuo's. */
  static ModelCard card(Map<String, Object> json) {
    ModelCard c = ModelCard.fromMap(json);
    if (c.framework() != null) return c;
    Object version = c.details().get("tribuo-version");
    return c.withFramework(new ModelCard.Framework(FRAMEWORK, version == null ? null : version.toString(), MEDIA_TYPE));
  }

  /** What trains the models of this plugin: Tribuo, in bundles of {@link #MEDIA_TYPE}. */
  public static ModelCard.Framework framework() {
    return new ModelCard.Framework(FRAMEWORK, org.tribuo.Tribuo.VERSION, MEDIA_TYPE);
  }

  public static ModelBundle read(Path file, String shownName) throws IOException, InvalidInput {
    return of(entries(file, shownName, FILES::contains), shownName);
  }

  /** A bundle's zip entries, name -> bytes, in zip order. */
  public static Map<String, byte[]> entries(Path file, String shownName) throws IOException, InvalidInput {
    return entries(file, shownName, name -> true);
  }

  /** The entries {@code keep} accepts; the others are read past (within the limit) and dropped. */
  private static Map<String, byte[]> entries(Path file, String shownName, Predicate<String> keep) throws IOException, InvalidInput {
    Map<String, byte[]> out = new java.util.LinkedHashMap<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      byte[] buf = new byte[64 << 10];
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName();
        if (!seen.add(name)) throw notABundle(shownName, "entry " + name + " is in the zip twice");
        ByteArrayOutputStream kept = keep.test(name) ? new ByteArrayOutputStream() : null;
        long size = 0;
        int n;
        while ((n = zip.read(buf)) > 0) {
          size += n;
          if (size > MAX_ENTRY_BYTES) {
            throw new InvalidInput(shownName + ": entry " + name + " inflates to more than " + MAX_ENTRY_BYTES + " bytes (" + (MAX_ENTRY_BYTES >> 20)
                + " MiB), the limit for one model bundle entry; the file is damaged or was not written by Kiln\n  hint: pass the model output of tribuo/train");
          }
          if (kept != null) kept.write(buf, 0, n);
        }
        if (kept != null) out.put(name, kept.toByteArray());
      }
    } catch (java.util.zip.ZipException | java.io.EOFException ex) {
      throw notABundle(shownName, ex.getMessage());
    }
    return out;
  }

  /** The bundle held by {@code entries} (as {@link #entries} reads them). */
  public static ModelBundle of(Map<String, byte[]> entries, String shownName) throws IOException, InvalidInput {
    byte[] model = entries.get("model.tribuo");
    byte[] transform = entries.get("transform.json");
    byte[] card = entries.get("card.json");
    if (model == null || transform == null || card == null) {
      throw notABundle(shownName, "model.tribuo, transform.json and card.json expected");
    }
    Model<?> m;
    try {
      m = Model.deserializeFromStream(new java.io.ByteArrayInputStream(model));
    } catch (IOException | RuntimeException e) {
      // Tribuo reports a damaged protobuf with exceptions of many kinds
      throw notABundle(shownName, "model.tribuo is not a Tribuo model this version can read: " + e.getMessage());
    }
    Transform tf;
    ModelCard c;
    try {
      tf = JSON.readValue(transform, Transform.class);
      c = card(JSON.readValue(card, new TypeReference<Map<String, Object>>() {}));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw notABundle(shownName, "transform.json or card.json is not valid: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw notABundle(shownName, "card.json is not valid: " + e.getMessage());
    }
    return new ModelBundle(m, tf, c);
  }

  private static InvalidInput notABundle(String shownName, String why) {
    return new InvalidInput(shownName + ": not a Kiln model bundle (" + why + ")\n  hint: pass the model output of tribuo/train");
  }

}
