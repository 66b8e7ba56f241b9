package dev.kiln.tribuo.train;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;

/**
 * A model's ONNX graph, where Tribuo can export it (linear and factorization-machine models,
 * LibSVM, LibLinear, sparse linear regression), with what a caller needs to feed it: the graph
 * reads one float tensor {@code [rows, features]} of the <em>encoded</em> features (the fitted
 * transform's output), columns in {@link #features} order.
 *
 * @param onnx the serialized ModelProto
 * @param input the graph's input name
 * @param outputs the graph's output names
 * @param features feature name per input column (Tribuo's feature id order)
 * @param outputNames label (classification) or dimension (regression) per output column
 */
public record OnnxExport(byte[] onnx, String input, List<String> outputs, List<String> features, List<String> outputNames) {
  public static final String MEDIA_TYPE = "application/onnx";

  /** The export, or empty when Tribuo has no ONNX export for this kind of model. */
  public static Optional<OnnxExport> of(Model<?> model) {
    if (!(model instanceof ONNXExportable ox)) return Optional.empty();
    OnnxMl.ModelProto proto = ox.exportONNXModel("dev.kiln", 1);
    List<String> outputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto o : proto.getGraph().getOutputList()) outputs.add(o.getName());
    ImmutableFeatureMap fm = model.getFeatureIDMap();
    List<String> features = new ArrayList<>(fm.size());
    for (int i = 0; i < fm.size(); i++) features.add(fm.get(i).getName());
    return Optional.of(new OnnxExport(proto.toByteArray(), proto.getGraph().getInput(0).getName(), outputs, features, outputNames(model.getOutputIDInfo())));
  }

  private static <T extends Output<T>> List<String> outputNames(ImmutableOutputInfo<T> info) {
    List<String> names = new ArrayList<>(info.size());
    for (int i = 0; i < info.size(); i++) names.add(info.getOutput(i).getSerializableForm(false));
    return names;
  }

  /** Why a model has no ONNX form, for a log line or an error. */
  public static String unsupported(Model<?> model) {
    return model.getClass().getSimpleName() + " has no ONNX export in Tribuo " + org.tribuo.Tribuo.VERSION
        + " (exportable: logistic-regression, linear-sgd, liblinear, libsvm, one-class-svm, factorization-machine, lasso, ridge, elastic-net)";
  }

  /** How to call the graph, for a manifest. */
  public Map<String, Object> describe(String file) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file);
    m.put("input", Map.of("name", input, "type", "float32", "shape", List.of("rows", features.size()),
        "features", features, "note", "encoded features: apply transform.json to raw rows first; a feature absent from a row is 0"));
    m.put("outputs", outputs);
    m.put("output-columns", outputNames);
    return m;
  }
}
