package dev.kiln.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.ModelCard;
import dev.kiln.api.ModelRuntime;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.Sha256;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a self-contained deployment bundle of a model of any framework with a {@link ModelRuntime}:
 * one zip with the files the runtime says make up the model (for Tribuo: the model, the fitted
 * feature transform, the model card), the ONNX graph where the runtime can export the model, and a
 * manifest ({@code kiln-export.json}) naming every file with its SHA-256, the request schema and
 * how to call the ONNX graph. {@code kiln serve BUNDLE.zip} serves it without a store or registry.
 */
final class ExportStep implements StepType<ExportStep.Params> {
  static final String MEDIA_TYPE = "application/vnd.kiln.export+zip";
  static final String MANIFEST = "kiln-export.json";
  static final String ONNX = "model.onnx";
  /** Sorted keys: the same manifest is the same bytes. */
  static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final FileTime FIXED = FileTime.fromMillis(946684800000L);

  record Params(
      @Param(value = "the model bundle (tribuo/train's model output)", required = true) Artifact model,
      @Param("the name the bundle serves under (default: the model card's name)") String name,
      @Param("auto (include ONNX when the algorithm has an export), required (fail when it has none) or off") String onnx) {
    Params {
      onnx = onnx == null ? "auto" : onnx;
      if (!List.of("auto", "required", "off").contains(onnx)) {
        throw new InvalidParamException("onnx", false, "onnx is auto, required or off; found \"" + onnx + "\"", "e.g. onnx: required to fail when the model cannot be exported");
      }
      RegisterStep.checkName(name);
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "kiln/export",
        "Writes a self-contained deployment bundle: Tribuo model, feature transform, model card, ONNX where supported, manifest with checksums",
        Params.class,
        "1",
        List.of(
            Output.artifact("bundle", "the deployment bundle (zip): model.tribuo, transform.json, card.json, model.onnx when exported, kiln-export.json, README.md"),
            Output.artifact("onnx", "the ONNX graph alone (only when exported)"),
            Output.value("onnx-exported", "true when the bundle holds an ONNX graph"),
            Output.value("files", "the bundle's files")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    String shown = ValidateStep.shown(p.model());
    ModelRuntime.Loaded model = Runtimes.of(ctx, p.model(), shown).load(ctx.open(p.model()), shown);
    ModelCard card = model.card();
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, String> notes = new LinkedHashMap<>();
    for (ModelRuntime.BundleFile f : model.files()) {
      files.put(f.name(), f.content());
      if (f.description() != null) notes.put(f.name(), f.description());
    }
    String name = p.name() != null ? p.name() : servedName(card);
    ModelRuntime.OnnxGraph onnx = null;
    String noOnnx = null;
    if (p.onnx().equals("off")) {
      noOnnx = "not asked for (onnx: off)";
    } else {
      try {
        onnx = model.onnx();
      } catch (ModelRuntime.Unsupported e) {
        noOnnx = e.reason();
      } catch (RuntimeException e) {
        noOnnx = "the model runtime's ONNX export failed: " + e.getMessage();
      }
      if (onnx == null && p.onnx().equals("required")) {
        throw new InvalidInput(shown + ": onnx: required, but " + noOnnx + "\n  hint: train an exportable algorithm, or set onnx: auto to ship the bundle without ONNX");
      }
    }
    if (noOnnx != null) ctx.log("no ONNX in the bundle: " + noOnnx);

    if (onnx != null) files.put(ONNX, onnx.model());
    files.put("README.md", readme(name, card, notes, onnx != null).getBytes(StandardCharsets.UTF_8));
    Map<String, Object> manifest = manifest(name, p.model(), model, files, onnx, noOnnx);
    files.put(MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));

    Path out = ctx.scratchDir().resolve(name + "-bundle.zip");
    try (OutputStream os = Files.newOutputStream(out);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      for (var e : files.entrySet()) entry(zip, e.getKey(), e.getValue());
    }
    StepResult.Builder result = StepResult.builder()
        .output("bundle", ctx.storeArtifact(out, MEDIA_TYPE))
        .output("onnx-exported", onnx != null)
        .output("files", List.copyOf(files.keySet()));
    if (onnx != null) {
      Path o = ctx.scratchDir().resolve(name + ".onnx");
      Files.write(o, onnx.model());
      result.output("onnx", ctx.storeArtifact(o, ModelRuntime.OnnxGraph.MEDIA_TYPE));
    }
    ctx.log("exported " + name + ": " + String.join(", ", files.keySet()) + " (" + Files.size(out) + " bytes)");
    return result.build();
  }

  static String servedName(ModelCard card) {
    String n = card.name();
    String s = n == null ? "model" : n.replaceAll("[^A-Za-z0-9_.-]", "-");
    return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "model" : s;
  }

  /** Writes one zip entry with a fixed timestamp, so equal content gives an equal (content-addressed) zip. */
  static void entry(ZipOutputStream zip, String name, byte[] bytes) throws java.io.IOException {
    ZipEntry e = new ZipEntry(name);
    e.setLastModifiedTime(FIXED);
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }

  /** The model's media type: what its card says it is, else what its artifact says. */
  private static String mediaType(ModelCard card, Artifact source) {
    return card.framework() != null && card.framework().mediaType() != null ? card.framework().mediaType() : source.mediaType();
  }

  private static Map<String, Object> manifest(String name, Artifact source, ModelRuntime.Loaded model, Map<String, byte[]> files, ModelRuntime.OnnxGraph onnx, String noOnnx) {
    ModelCard card = model.card();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "kiln-export/1");
    m.put("name", name);
    m.put("model-media-type", mediaType(card, source));
    m.put("source-sha256", source.sha256());
    m.put("task", card.task());
    m.put("target", card.target());
    if (!card.labels().isEmpty()) m.put("labels", card.labels());
    model.manifest().forEach(m::putIfAbsent);
    List<Map<String, String>> inputs = new ArrayList<>();
    for (ModelRuntime.Field f : model.inputs()) inputs.add(Map.of("name", f.name(), "type", f.type()));
    m.put("inputs", inputs);
    Map<String, String> sums = new LinkedHashMap<>();
    files.forEach((f, b) -> sums.put(f, Sha256.hex(b)));
    m.put("files", sums);
    if (onnx != null) {
      Map<String, Object> how = new LinkedHashMap<>();
      how.put("file", ONNX);
      how.putAll(onnx.description());
      m.put("onnx", how);
    } else {
      m.put("onnx", Map.of("exported", false, "reason", noOnnx));
    }
    m.put("serve", "kiln serve " + name + "-bundle.zip");
    return m;
  }

  private static String readme(String name, ModelCard card, Map<String, String> notes, boolean onnx) {
    StringBuilder files = new StringBuilder();
    notes.forEach((f, note) -> files.append("- `").append(f).append("`: ").append(note).append('\n'));
    return "# " + name + " (Kiln deployment bundle)\n\n"
        + "Algorithm: " + card.algorithm() + ", task: " + card.task() + ", target: " + card.target() + ".\n\n"
        + files
        + (onnx ? "- `" + ONNX + "`: the same model as an ONNX graph over the encoded features; `kiln-export.json` lists its input columns in order.\n" : "")
        + "- `kiln-export.json`: the manifest: request fields, files with SHA-256, how to call the ONNX graph.\n\n"
        + "Serve it over HTTP (no store or registry needed):\n\n    kiln serve " + name + "-bundle.zip\n    curl -X POST localhost:8080/v1/models/" + name + "/predict -H 'content-type: application/json' -d '[{...}]'\n";
  }
}
