package dev.kiln.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.Sha256;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.tribuo.data.DatasetFile;
import dev.kiln.tribuo.data.Schema;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.ModelBundle;
import dev.kiln.tribuo.train.OnnxExport;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipOutputStream;

/**
 * Writes a self-contained deployment bundle of a model: one zip with the Tribuo model, the fitted
 * feature transform, the model card, the ONNX graph where Tribuo can export the model, and a
 * manifest ({@code kiln-export.json}) naming every file with its SHA-256, the request schema and
 * how to call the ONNX graph. {@code kiln serve BUNDLE.zip} serves it without a store or registry.
 */
final class ExportStep implements StepType<ExportStep.Params> {
  static final String MEDIA_TYPE = "application/vnd.kiln.export+zip";
  static final String MANIFEST = "kiln-export.json";
  private static final ObjectMapper JSON = DatasetFile.json();

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
    Map<String, byte[]> files = new LinkedHashMap<>(ModelBundle.entries(ctx.open(p.model()), shown));
    ModelBundle bundle = ModelBundle.of(files, shown);
    String name = p.name() != null ? p.name() : servedName(bundle.card());
    Optional<OnnxExport> onnx = Optional.empty();
    String noOnnx = null;
    if (p.onnx().equals("off")) {
      noOnnx = "not asked for (onnx: off)";
    } else {
      try {
        onnx = OnnxExport.of(bundle.model());
        if (onnx.isEmpty()) noOnnx = OnnxExport.unsupported(bundle.model());
      } catch (RuntimeException e) {
        noOnnx = "Tribuo's ONNX export failed: " + e.getMessage();
      }
      if (onnx.isEmpty() && p.onnx().equals("required")) {
        throw new InvalidInput(shown + ": onnx: required, but " + noOnnx + "\n  hint: train an exportable algorithm, or set onnx: auto to ship the bundle without ONNX");
      }
    }
    if (noOnnx != null) ctx.log("no ONNX in the bundle: " + noOnnx);

    onnx.ifPresent(o -> files.put("model.onnx", o.onnx()));
    files.put("README.md", readme(name, bundle, onnx.isPresent()).getBytes(StandardCharsets.UTF_8));
    Map<String, Object> manifest = manifest(name, p.model(), bundle, files, onnx, noOnnx);
    files.put(MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));

    Path out = ctx.scratchDir().resolve(name + "-bundle.zip");
    try (OutputStream os = Files.newOutputStream(out);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      for (var e : files.entrySet()) ModelBundle.entry(zip, e.getKey(), e.getValue());
    }
    StepResult.Builder result = StepResult.builder()
        .output("bundle", ctx.storeArtifact(out, MEDIA_TYPE))
        .output("onnx-exported", onnx.isPresent())
        .output("files", List.copyOf(files.keySet()));
    if (onnx.isPresent()) {
      Path o = ctx.scratchDir().resolve(name + ".onnx");
      Files.write(o, onnx.get().onnx());
      result.output("onnx", ctx.storeArtifact(o, OnnxExport.MEDIA_TYPE));
    }
    ctx.log("exported " + name + ": " + String.join(", ", files.keySet()) + " (" + Files.size(out) + " bytes)");
    return result.build();
  }

  static String servedName(Map<String, Object> card) {
    Object n = card.get("name");
    String s = n == null ? "model" : n.toString().replaceAll("[^A-Za-z0-9_.-]", "-");
    return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "model" : s;
  }

  private static Map<String, Object> manifest(String name, Artifact source, ModelBundle bundle, Map<String, byte[]> files, Optional<OnnxExport> onnx, String noOnnx) {
    Transform tf = bundle.transform();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "kiln-export/1");
    m.put("name", name);
    m.put("model-media-type", ModelBundle.MEDIA_TYPE);
    m.put("source-sha256", source.sha256());
    m.put("task", tf.input().task().yamlName());
    m.put("target", tf.input().target());
    if (!tf.labels().isEmpty()) m.put("labels", tf.labels());
    if (tf.targetTransform() != null) {
      m.put("target-transform", Map.of("kind", tf.targetTransform(), "center", tf.targetCenter(), "scale", tf.targetScale(),
          "note", "predictions of model.onnx are in the transformed scale: standard -> y * scale + center; log -> exp(y) - 1"));
    }
    List<Map<String, String>> inputs = new ArrayList<>();
    for (Schema.Column c : tf.input().inputs()) inputs.add(Map.of("name", c.name(), "type", c.type().yamlName()));
    m.put("inputs", inputs);
    Map<String, String> sums = new LinkedHashMap<>();
    files.forEach((f, b) -> sums.put(f, Sha256.hex(b)));
    m.put("files", sums);
    if (onnx.isPresent()) {
      m.put("onnx", onnx.get().describe("model.onnx"));
    } else {
      m.put("onnx", Map.of("exported", false, "reason", noOnnx));
    }
    m.put("serve", "kiln serve " + name + "-bundle.zip");
    return m;
  }

  private static String readme(String name, ModelBundle b, boolean onnx) {
    Map<String, Object> card = b.card();
    return "# " + name + " (Kiln deployment bundle)\n\n"
        + "Algorithm: " + card.get("algorithm") + ", task: " + card.get("task") + ", target: " + card.get("target") + ".\n\n"
        + "- `model.tribuo`: the Tribuo model (protobuf; `Model.deserializeFromStream`).\n"
        + "- `transform.json`: the feature transform fitted on the training data; raw rows go through it before the model.\n"
        + "- `card.json`: the model card (training data, hyperparameters, metrics).\n"
        + (onnx ? "- `model.onnx`: the same model as an ONNX graph over the encoded features; `kiln-export.json` lists its input columns in order.\n" : "")
        + "- `kiln-export.json`: the manifest: request fields, files with SHA-256, how to call the ONNX graph.\n\n"
        + "Serve it over HTTP (no store or registry needed):\n\n    kiln serve " + name + "-bundle.zip\n    curl -X POST localhost:8080/v1/models/" + name + "/predict -H 'content-type: application/json' -d '[{...}]'\n";
  }
}
