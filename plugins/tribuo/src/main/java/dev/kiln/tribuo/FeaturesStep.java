package dev.kiln.tribuo;

import dev.kiln.api.Artifact;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.features.FeatureSpec;
import dev.kiln.tribuo.features.Transform;
import java.util.List;
import java.util.Map;

/** Fits a feature transform on the training split; the transform is applied identically everywhere after. */
final class FeaturesStep implements StepType<FeaturesStep.Params> {

  record Params(
      @Param(value = "the training split (a tribuo/ingest output)", required = true) Artifact data,
      @Param("new column -> expression, e.g. family_size: SibSp + Parch + 1, title: regex(Name, '(Mr|Mrs|Miss|Master)')") Map<String, String> derive,
      @Param("mean | median | mode | none | constant:VALUE for every column, or a map column -> strategy ('*' for the rest)") Object impute,
      @Param("none | standard | min-max | robust for every numeric column, or a map column -> scaler") Object scale,
      @Param("one-hot | ordinal for every categorical column, or a map column -> encoding") Object encode,
      @Param("numeric columns to transform with log(1 + x)") List<String> log,
      @Param("numeric column -> number of quantile bins (becomes categorical)") Map<String, Integer> bins,
      @Param("text column -> TF-IDF options {ngrams, max-features, min-df, lowercase, sublinear-tf}") Map<String, FeatureSpec.TextOptions> text,
      @Param("columns to leave out") List<String> drop,
      @Param("balanced | none, or a map class -> weight (for imbalanced classes)") Object classWeights,
      @Param("regression: log learns log(1 + y), standard learns (y - mean) / std; predictions are inverted") String targetTransform) {
    Params {
      FeatureSpec.of(derive, impute, scale, encode, log, bins, text, drop, classWeights, targetTransform); // throws at the bad value
    }

    FeatureSpec spec() {
      return FeatureSpec.of(derive, impute, scale, encode, log, bins, text, drop, classWeights, targetTransform);
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "tribuo/features",
        "Fits imputation, scaling, encoding, derived columns, TF-IDF and class weights on the training split",
        Params.class,
        "1",
        List.of(
            Output.artifact("transform", "the fitted transform (JSON); pass it to tribuo/train"),
            Output.value("features", "number of features produced"),
            Output.value("feature-names", "the first 50 feature names")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    Table train = Steps.dataset(ctx, p.data());
    Transform tf = Transform.fit(train, p.spec(), Steps.shown(p.data()));
    List<String> names = tf.featureNames();
    ctx.log("fitted on " + train.rows() + " rows: " + names.size() + " features from " + tf.columns().size() + " columns" + (tf.classWeights().isEmpty() ? "" : "; class weights " + tf.classWeights()));
    return StepResult.builder()
        .output("transform", Steps.storeJson(ctx, "transform.json", tf))
        .output("features", names.size())
        .output("feature-names", names.subList(0, Math.min(50, names.size())))
        .metric("features", names.size())
        .build();
  }
}
