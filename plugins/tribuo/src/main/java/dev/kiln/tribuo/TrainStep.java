package dev.kiln.tribuo;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.ModelCard;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.tribuo.data.ColumnType;
import dev.kiln.tribuo.data.DatasetFile;
import dev.kiln.tribuo.data.Schema;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.eval.Evaluation;
import dev.kiln.tribuo.features.FeatureSpec;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.Algorithms;
import dev.kiln.tribuo.train.ModelBundle;
import dev.kiln.tribuo.train.OnnxExport;
import dev.kiln.tribuo.train.ProvenanceJson;
import dev.kiln.tribuo.train.TribuoData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.WeightedExamples;
import org.tribuo.anomaly.Event;
import org.tribuo.classification.Label;
import org.tribuo.classification.WeightedLabels;

/** Trains one Tribuo model; writes the model bundle, provenance, model card and (where Tribuo can) ONNX. */
final class TrainStep implements StepType<TrainStep.Params> {
  private static final Pattern SGD_LOSS = Pattern.compile("At iteration (\\d+), average loss = ([-+0-9.eE]+|NaN|Infinity)");

  record Params(
      @Param(value = "the training split (a tribuo/ingest output)", required = true) Artifact data,
      @Param("the fitted transform from tribuo/features (default: mean imputation and one-hot encoding fitted here)") Artifact transform,
      @Param(value = "the algorithm; see kiln plugins --json or the README for the list", required = true) String algorithm,
      @Param("hyperparameter -> value; names and types are checked against the algorithm") Map<String, Object> hyperparameters,
      @Param("the task this step expects (lets kiln validate check the algorithm against it)") String task,
      @Param("training seed (default: derived from the pipeline and step)") Long seed,
      @Param("a validation split: its score becomes the score output (used by tribuo/select)") Artifact valid,
      @Param(value = "threads for algorithms that use them (xgboost, knn, k-means)", min = 1, max = 256, defaultValue = "1") Integer threads,
      @Param("the model's name in its card") String name,
      @Param(value = "k-fold cross-validation on data: the transform (refitted from its spec) and the model are fitted on k-1 folds and scored on the k-th; metrics cv.<name> and cv.<name>.std, the score is the mean primary metric", min = 2, max = 100) Integer cv,
      @Param(value = "only score these hyperparameters (on valid: or by cv:) and keep no model; outputs score and metric (kiln/tune's trials)", defaultValue = "false") Boolean scoreOnly) {
    Params {
      Task t = null;
      if (task != null) {
        t = Task.parse(task);
        if (t == null) throw new InvalidParamException("task", false, "unknown task \"" + task + "\"", "valid: classification, regression, clustering, anomaly");
      }
      if (algorithm != null) Algorithms.check(algorithm, t, hyperparameters);
      hyperparameters = hyperparameters == null ? Map.of() : hyperparameters;
      threads = threads == null ? 1 : threads;
      scoreOnly = scoreOnly != null && scoreOnly;
      if (scoreOnly && valid == null && cv == null) {
        throw new InvalidParamException("score-only", false, "score-only needs something to score on", "add valid: (a validation split) or cv: (the number of folds)");
      }
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "tribuo/train",
        "Trains a classifier, regressor, clusterer or anomaly detector with Tribuo",
        Params.class,
        "1",
        List.of(
            Output.artifact("model", "the model bundle (Tribuo model + feature transform + card); input of evaluate, predict, register"),
            Output.artifact("tribuo-model", "the model in Tribuo's own serialized form"),
            Output.artifact("provenance", "Tribuo's provenance of the model (JSON)"),
            Output.artifact("card", "the model card (JSON): features, target, data hash, hyperparameters, metrics"),
            Output.artifact("onnx", "ONNX export (only for algorithms Tribuo exports: linear, factorization machine, libsvm, sparse linear)"),
            Output.value("algorithm", "the algorithm"),
            Output.value("score", "the primary metric on valid: (accuracy, r2, nmi/silhouette, f1), else its cv: mean, else on the training data"),
            Output.value("metric", "the name of that metric")));
  }

  /** A trained model and the rows it was trained on. */
  record Fitted(Model<?> model, int rows) {}

  /** The time written into models instead of the wall clock: SOURCE_DATE_EPOCH's convention, fixed. */
  static final java.time.OffsetDateTime MODEL_TIME = java.time.OffsetDateTime.ofInstant(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);

  /**
   * The model with its provenance's training time set to {@link #MODEL_TIME}: everything else a
   * Tribuo model serialises is a function of the data, trainer and seed, so a deterministic
   * trainer gives byte-identical models and {@code kiln reproduce} can compare hashes (as
   * reproducible builds do with SOURCE_DATE_EPOCH). When it ran is in the run store. An ensemble
   * (random forest) gets the fixed time too, and so does each member and the members' provenance
   * the ensemble's own provenance lists.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Model<?> reproducible(Model<?> m) {
    org.tribuo.provenance.ModelProvenance p = m.getProvenance();
    Map<String, com.oracle.labs.mlrg.olcut.provenance.Provenance> instance = new LinkedHashMap<>();
    p.getInstanceProvenance().forEach(pair -> instance.put(pair.getA(), pair.getB()));
    try {
      if (m instanceof org.tribuo.ensemble.EnsembleModel<?> ensemble) {
        List<Model> members = new ArrayList<>();
        List<org.tribuo.provenance.ModelProvenance> memberProvenance = new ArrayList<>();
        for (Model<?> member : ensemble.getModels()) {
          Model<?> fixedMember = reproducible(member);
          members.add(fixedMember);
          memberProvenance.add(fixedMember.getProvenance());
        }
        var fixed = new org.tribuo.provenance.EnsembleModelProvenance(p.getClassName(), MODEL_TIME, p.getDatasetProvenance(), p.getTrainerProvenance(), instance,
            new com.oracle.labs.mlrg.olcut.provenance.ListProvenance<>(memberProvenance));
        java.lang.reflect.Method copy = org.tribuo.ensemble.EnsembleModel.class.getDeclaredMethod("copy", String.class, org.tribuo.provenance.EnsembleModelProvenance.class, List.class);
        copy.setAccessible(true);
        return (Model<?>) copy.invoke(m, m.getName(), fixed, members);
      }
      var fixed = new org.tribuo.provenance.ModelProvenance(p.getClassName(), MODEL_TIME, p.getDatasetProvenance(), p.getTrainerProvenance(), instance);
      java.lang.reflect.Method copy = Model.class.getDeclaredMethod("copy", String.class, org.tribuo.provenance.ModelProvenance.class);
      copy.setAccessible(true);
      return (Model<?>) copy.invoke(m, m.getName(), fixed);
    } catch (NoSuchMethodException e) {
      return m; // a Tribuo without these copy methods: the model keeps its wall-clock time
    } catch (ReflectiveOperationException e) {
      // not swallowed: a silent fallback is how random forests kept their wall-clock times
      throw new RuntimeException("cannot set the training time of a " + m.getClass().getSimpleName() + " to a fixed one", e);
    }
  }

  /**
   * Trains {@code algorithm} on encoded rows the way every Kiln training does — a one-class
   * detector on the normal rows only, class weights as label or example weights — so a
   * cross-validation fold trains exactly as {@code tribuo/train} does. Tribuo's log lines go to
   * the step log and to {@code logListener}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Fitted fit(Transform tf, Transform.Encoded enc, String algorithm, Map<String, Object> hp, long seed, int threads, String description,
      StepContext ctx, java.util.function.Consumer<String> logListener) throws Exception {
    Task task = tf.input().task();
    MutableDataset ds = TribuoData.dataset(tf, enc, description);
    if (task == Task.ANOMALY) {
      MutableDataset normal = new MutableDataset(ds.getProvenance(), ds.getOutputFactory());
      int dropped = 0;
      for (Object o : ds) {
        Example<Event> ex = (Example<Event>) o;
        if (ex.getOutput().getType() == Event.EventType.ANOMALOUS) dropped++;
        else normal.add(ex);
      }
      ctx.log("one-class training on the " + normal.size() + " normal rows (" + dropped + " labelled anomalies held out of training)");
      ds = normal;
    }
    Trainer trainer = Algorithms.trainer(algorithm, task, hp, enc.featureNames().size(), ds.size(), threads, seed);
    if (!tf.classWeights().isEmpty()) {
      if (trainer instanceof WeightedLabels wl) {
        Map<Label, Float> w = new LinkedHashMap<>();
        tf.classWeights().forEach((k, v) -> w.put(new Label(k), v.floatValue()));
        wl.setLabelWeights(w);
        ctx.log("class weights as label weights: " + tf.classWeights());
      } else if (trainer instanceof WeightedExamples) {
        ctx.log("class weights as example weights: " + tf.classWeights());
      } else {
        ctx.log("warning: " + algorithm + " ignores class weights");
      }
    }
    try (AutoCloseable c = Steps.capture(ctx, logListener)) {
      return new Fitted(reproducible(trainer.train(ds)), ds.size());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidInput(algorithm + " cannot train on this data: " + e.getMessage()
          + (algorithm.equals("naive-bayes") ? "\n  hint: naive Bayes needs non-negative features (counts, TF-IDF, one-hot); do not standardise them" : ""));
    }
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    String shown = Steps.shown(p.data());
    Table train = Steps.dataset(ctx, p.data());
    Task task = train.schema().task();
    if (p.task() != null && Task.parse(p.task()) != task) throw new InvalidInput(shown + ": the step expects task " + p.task() + " but the data is for " + task.yamlName());
    Map<String, Object> hp;
    try {
      hp = Algorithms.check(p.algorithm(), task, p.hyperparameters());
    } catch (InvalidParamException e) {
      throw new InvalidInput(e.param() + ": " + e.getMessage() + (e.hint() == null ? "" : "\n  hint: " + e.hint()));
    }
    Transform tf;
    Artifact tfArtifact = p.transform();
    if (tfArtifact != null) {
      tf = DatasetFile.json().readValue(ctx.open(tfArtifact).toFile(), Transform.class);
      if (!java.util.Objects.equals(tf.input().target(), train.schema().target())) {
        throw new InvalidInput(Steps.shown(tfArtifact) + ": the transform was fitted for target " + tf.input().target() + ", the data's target is " + train.schema().target());
      }
    } else {
      tf = Transform.fit(train, FeatureSpec.of(null, null, null, null, null, null, null, null, null, null), shown);
    }
    long seed = p.seed() == null ? ctx.seed() : p.seed();
    Folds.Result cv = null;
    if (p.cv() != null) {
      cv = Folds.run(tf.spec(), train, p.algorithm(), hp, seed, p.threads(), p.cv(), shown, ctx);
      ctx.log(String.format(Locale.ROOT, "%d-fold cross-validation: %s = %.4f", p.cv(), cv.primary(), cv.mean().get(cv.primary())));
      if (p.scoreOnly() && p.valid() == null) {
        StepResult.Builder out = StepResult.builder();
        cv.mean().forEach(out::metric);
        return out.output("algorithm", p.algorithm()).output("score", cv.mean().get(cv.primary())).output("metric", cv.primary()).build();
      }
    }
    Transform.Encoded enc = tf.apply(train, shown);
    int numFeatures = enc.featureNames().size();
    List<double[]> loss = new ArrayList<>();
    long t0 = System.nanoTime();
    Fitted fitted = fit(tf, enc, p.algorithm(), hp, seed, p.threads(), "kiln dataset sha256:" + p.data().sha256(), ctx, msg -> {
      Matcher m = SGD_LOSS.matcher(msg);
      if (m.find()) loss.add(new double[] {Long.parseLong(m.group(1)), Double.parseDouble(m.group(2))});
    });
    Model<?> model = fitted.model();
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    ctx.log(String.format(Locale.ROOT, "trained %s on %d rows x %d features in %.3fs", p.algorithm(), fitted.rows(), numFeatures, trainSeconds));
    for (double[] l : loss) ctx.metric("train.loss", l[1], (long) l[0]);

    StepResult.Builder out = StepResult.builder();
    Map<String, Double> metrics = new LinkedHashMap<>();
    Evaluation.Result onTrain = Evaluation.evaluate(model, tf, train, shown);
    onTrain.metrics().forEach((k, v) -> {
      if (!k.contains(".")) metrics.put("train." + k, v);
    });
    Evaluation.Result scored = onTrain;
    if (p.valid() != null) {
      Evaluation.Result onValid = Evaluation.evaluate(model, tf, Steps.dataset(ctx, p.valid()), Steps.shown(p.valid()));
      onValid.metrics().forEach((k, v) -> {
        if (!k.contains(".")) metrics.put("valid." + k, v);
      });
      scored = onValid;
    }
    metrics.put("train-seconds", trainSeconds);
    String scoreName = scored.primary();
    double score = scored.score();
    String scoredOn = p.valid() != null ? "valid" : "train";
    if (cv != null) {
      metrics.putAll(cv.mean());
      if (p.valid() == null) {
        scoreName = cv.primary();
        score = cv.mean().get(cv.primary());
        scoredOn = "cv";
      }
    }
    metrics.forEach(out::metric);
    if (p.scoreOnly()) {
      ctx.log(String.format(Locale.ROOT, "%s %s = %.4f (score only, no model kept)", scoredOn, scoreName, score));
      return out.output("algorithm", p.algorithm()).output("score", score).output("metric", scoreName).build();
    }

    // the card's keys beyond the typed ones are Tribuo's own; card.json is written with sorted keys, so their place does not matter
    Map<String, Object> details = new LinkedHashMap<>();
    List<ModelCard.Input> features = new ArrayList<>();
    for (Schema.Column c : tf.input().columns()) {
      if (c.name().equals(tf.input().target()) || c.type() == ColumnType.IGNORE) continue;
      features.add(new ModelCard.Input(c.name(), c.type().yamlName(), null));
    }
    for (Transform.Derived d : tf.derived()) features.add(new ModelCard.Input(d.name(), d.type().yamlName(), d.expr()));
    details.put("feature-count", numFeatures);
    if (tfArtifact != null) details.put("transform", Map.of("sha256", tfArtifact.sha256()));
    if (!tf.classWeights().isEmpty()) details.put("class-weights", tf.classWeights());
    if (!loss.isEmpty()) details.put("loss-curve", loss);
    details.put("tribuo-version", org.tribuo.Tribuo.VERSION);
    Map<String, Double> cardMetrics = new LinkedHashMap<>(metrics);
    cardMetrics.remove("train-seconds"); // wall time is the run's (a metric), not the model's: the card stays reproducible

    Path dir = ctx.scratchDir();
    Path tribuo = dir.resolve("model.tribuo");
    model.serializeToFile(tribuo);
    out.output("tribuo-model", ctx.storeArtifact(tribuo, "application/x-protobuf"));
    out.output("provenance", Steps.storeJson(ctx, "provenance.json", ProvenanceJson.of(model.getProvenance())));
    try {
      java.util.Optional<OnnxExport> onnx = OnnxExport.of(model);
      if (onnx.isPresent()) {
        Path file = dir.resolve("model.onnx");
        Files.write(file, onnx.get().onnx());
        out.output("onnx", ctx.storeArtifact(file, OnnxExport.MEDIA_TYPE));
      }
      details.put("onnx", onnx.isPresent());
    } catch (RuntimeException e) {
      ctx.log("ONNX export failed: " + e);
      details.put("onnx", false);
    }
    ModelCard card = new ModelCard(p.name() != null ? p.name() : p.algorithm(), p.algorithm(), task.yamlName(), tf.input().target(), tf.labels(),
        TribuoData.positive(tf), hp, seed, features, cardMetrics, new ModelCard.Score(scoreName, score, scoredOn),
        new ModelCard.Lineage(ctx.stepId(), new ModelCard.Data(p.data().sha256(), shown), fitted.rows()), ModelBundle.framework(), details);
    out.output("card", Steps.storeJson(ctx, "card.json", card.toMap()));
    Path bundle = dir.resolve("model.zip");
    new ModelBundle(model, tf, card).write(bundle);
    out.output("model", ctx.storeArtifact(bundle, ModelBundle.MEDIA_TYPE));
    ctx.log(String.format(Locale.ROOT, "%s %s = %.4f", scoredOn, scoreName, score));
    return out.output("algorithm", p.algorithm()).output("score", score).output("metric", scoreName).build();
  }
}
