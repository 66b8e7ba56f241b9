package dev.kiln.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.api.ModelRuntime;
import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.train.Algorithms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The api's classification metrics, which a runtime without metrics of its own uses, agree with
 * Tribuo's, which the Tribuo runtime gives the gate: the same thresholds mean the same for both.
 */
class ClassificationMetricsTest {
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void theApisClassificationMetricsAreTribuos() throws Exception {
    MutableDataset<Label> ds = new MutableDataset<>(new SimpleDataSourceProvenance("test", TrainStep.MODEL_TIME, new LabelFactory()), new LabelFactory());
    for (int i = 0; i < 90; i++) {
      String label = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c";
      double x = (i % 3) + (i % 7) * 0.4; // overlapping classes: a depth-1 tree gets some wrong and never says one class
      ds.add(new ArrayExample<>(new Label(label), new String[] {"x"}, new double[] {x}));
    }
    Map<String, Object> hp = Algorithms.check("cart", Task.CLASSIFICATION, Map.of("max-depth", 1));
    Model<Label> model = (Model<Label>) Algorithms.trainer("cart", Task.CLASSIFICATION, hp, 1, ds.size(), 1, 42).train((MutableDataset) ds);
    List<Prediction<Label>> preds = model.predict(ds);
    LabelEvaluation ev = new LabelEvaluator().evaluate(model, preds, ds.getProvenance());
    String[] actual = new String[preds.size()];
    String[] predicted = new String[preds.size()];
    for (int i = 0; i < actual.length; i++) {
      actual[i] = preds.get(i).getExample().getOutput().getLabel();
      predicted[i] = preds.get(i).getOutput().getLabel();
    }
    assertThat(List.of(predicted)).as("a class the model never predicts: its precision is 0/0").doesNotContain("b");
    List<String> labels = new ArrayList<>();
    model.getOutputIDInfo().getDomain().forEach(l -> labels.add(l.getLabel()));
    ModelRuntime.Evaluation api = ModelRuntime.Evaluation.classification(labels, actual, predicted);
    assertThat(api.metrics().get("accuracy")).isCloseTo(ev.accuracy(), within(1e-12));
    assertThat(api.metrics().get("balanced-accuracy")).isCloseTo(1 - ev.balancedErrorRate(), within(1e-12));
    assertThat(api.metrics().get("precision-macro")).isCloseTo(ev.macroAveragedPrecision(), within(1e-12));
    assertThat(api.metrics().get("recall-macro")).isCloseTo(ev.macroAveragedRecall(), within(1e-12));
    assertThat(api.metrics().get("f1-macro")).isCloseTo(ev.macroAveragedF1(), within(1e-12));
    for (String l : List.of("a", "b", "c")) {
      assertThat(api.metrics().get("precision." + l)).as(l).isCloseTo(ev.precision(new Label(l)), within(1e-12));
      assertThat(api.metrics().get("recall." + l)).as(l).isCloseTo(ev.recall(new Label(l)), within(1e-12));
      assertThat(api.metrics().get("f1." + l)).as(l).isCloseTo(ev.f1(new Label(l)), within(1e-12));
    }
  }
}
