package dev.kiln.tribuo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.train.Algorithms;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Models trained twice on the same data with the same seed are the same bytes, whatever the wall clock said. */
class ReproducibleModelTest {

  @SuppressWarnings({"unchecked", "rawtypes"})
  /** A trained model's provenance (readable when two differ) and a hash of its serialized bytes. */
  record Trained(String provenance, String sha256) {}

  private static Trained train(String algorithm, Task task) throws Exception {
    MutableDataset ds = task == Task.CLASSIFICATION
        ? new MutableDataset<>(new SimpleDataSourceProvenance("test", TrainStep.MODEL_TIME, new LabelFactory()), new LabelFactory())
        : new MutableDataset<>(new SimpleDataSourceProvenance("test", TrainStep.MODEL_TIME, new RegressionFactory()), new RegressionFactory());
    for (int i = 0; i < 60; i++) {
      String[] names = {"a", "b", "c"};
      double[] values = {i % 7, (i * 13) % 11, i / 10.0};
      ds.add(task == Task.CLASSIFICATION
          ? new ArrayExample<>(new Label(i % 3 == 0 ? "x" : "y"), names, values)
          : new ArrayExample<>(new Regressor("t", i * 0.5 + i % 4), names, values));
    }
    Map<String, Object> hp = Algorithms.check(algorithm, task, algorithm.equals("random-forest") ? Map.of("trees", 5) : Map.of());
    Trainer trainer = Algorithms.trainer(algorithm, task, hp, 3, ds.size(), 1, 42);
    Model<?> model = TrainStep.reproducible(trainer.train(ds));
    assertFixedTime(model);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    model.serializeToStream(out);
    return new Trained(model.getProvenance().toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray())));
  }

  private static void assertFixedTime(Model<?> model) {
    ModelProvenance p = model.getProvenance();
    assertThat(p.getTrainingTime()).isEqualTo(TrainStep.MODEL_TIME);
    if (model instanceof EnsembleModel<?> e) {
      assertThat(e.getModels()).isNotEmpty();
      for (Model<?> m : e.getModels()) assertFixedTime(m);
      assertThat(e.getProvenance().getMemberProvenance()).allSatisfy(mp -> assertThat(mp.getTrainingTime()).isEqualTo(TrainStep.MODEL_TIME));
    }
  }

  @Test
  void aRandomForestClassifierTrainedTwiceIsTheSameBytes() throws Exception {
    Trained first = train("random-forest", Task.CLASSIFICATION);
    Thread.sleep(20);
    assertThat(train("random-forest", Task.CLASSIFICATION)).isEqualTo(first);
  }

  @Test
  void aRandomForestRegressorTrainedTwiceIsTheSameBytes() throws Exception {
    Trained first = train("random-forest", Task.REGRESSION);
    Thread.sleep(20);
    assertThat(train("random-forest", Task.REGRESSION)).isEqualTo(first);
  }

  @Test
  void aSingleTreeTrainedTwiceIsTheSameBytes() throws Exception {
    Trained first = train("cart", Task.CLASSIFICATION);
    Thread.sleep(20);
    assertThat(train("cart", Task.CLASSIFICATION)).isEqualTo(first);
  }
}
