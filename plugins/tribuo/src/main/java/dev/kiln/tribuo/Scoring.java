package dev.kiln.tribuo;

import dev.kiln.api.InvalidInput;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.ModelBundle;
import dev.kiln.tribuo.train.TribuoData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;

/** Applies a model bundle to rows: the one scoring path of batch prediction and of {@code kiln serve}. */
final class Scoring {
  private Scoring() {}

  /**
   * One row's prediction.
   *
   * @param prediction the class label (classification), value in the target's scale (regression),
   *     cluster id (clustering), or the positive label / {@code expected} (anomaly)
   * @param probabilities class -> probability, in the model's label order (classifiers that give them)
   * @param score the anomaly score (anomaly detection)
   */
  record Scored(Object prediction, Map<String, Double> probabilities, Double score) {}

  /** Whether the bundle's classifier gives class probabilities. */
  static boolean probabilities(ModelBundle b) {
    return b.transform().input().task() == Task.CLASSIFICATION && b.model().generatesProbabilities();
  }

  /**
   * The model gave no output for a row: its arithmetic overflowed (a value far outside the training
   * data makes a score infinite, then NaN, and Tribuo picks no label).
   */
  static final class NoPrediction extends InvalidInput {
    private static final long serialVersionUID = 1L;
    private final int row;

    NoPrediction(String shown, int row) {
      super(shown + ": the model gives no prediction for row " + row + " (counting from 0): its arithmetic overflows"
          + "\n  hint: check that row's numbers against the range of the training data");
      this.row = row;
    }

    int row() {
      return row;
    }
  }

  static List<Scored> score(ModelBundle bundle, Table data, String shown) throws InvalidInput {
    return score(bundle, bundle.transform().apply(data, shown), shown);
  }

  /**
   * Scores rows already encoded by the bundle's transform.
   *
   * @throws NoPrediction for the first row the model gives no output for
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<Scored> score(ModelBundle bundle, Transform.Encoded encoded, String shown) throws InvalidInput {
    Transform tf = bundle.transform();
    Transform.Encoded enc = new Transform.Encoded(encoded.featureNames(), encoded.index(), encoded.value(), null, null);
    List<Example> examples = (List) TribuoData.examples(tf, enc);
    List<Prediction> preds = ((Model) bundle.model()).predict(examples);
    boolean probs = probabilities(bundle);
    List<Scored> out = new ArrayList<>(preds.size());
    for (int r = 0; r < preds.size(); r++) {
      Prediction pr = preds.get(r);
      if (pr.getOutput() == null) throw new NoPrediction(shown, r);
      switch (tf.input().task()) {
        case CLASSIFICATION -> {
          Map<String, Double> p = null;
          if (probs) {
            p = new LinkedHashMap<>();
            Map<String, org.tribuo.classification.Label> scores = pr.getOutputScores();
            for (String l : tf.labels()) p.put(l, scores.containsKey(l) ? scores.get(l).getScore() : 0.0);
          }
          out.add(new Scored(((org.tribuo.classification.Label) pr.getOutput()).getLabel(), p, null));
        }
        case REGRESSION -> out.add(new Scored(tf.invertTarget(((org.tribuo.regression.Regressor) pr.getOutput()).getValues()[0]), null, null));
        case CLUSTERING -> out.add(new Scored(((org.tribuo.clustering.ClusterID) pr.getOutput()).getID(), null, null));
        case ANOMALY -> {
          var e = (org.tribuo.anomaly.Event) pr.getOutput();
          String pos = TribuoData.positive(tf);
          out.add(new Scored(e.getType() == org.tribuo.anomaly.Event.EventType.ANOMALOUS ? (pos != null ? pos : "anomalous") : "expected", null, e.getScore()));
        }
      }
    }
    return out;
  }
}
