package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a runtime that implements only serving says when the gate or export asks it for more. */
class ModelRuntimeTest {
  static final ModelCard CARD = new ModelCard("m", "mlp", "regression", "y", null, null, null, null, null, null, null, null,
      new ModelCard.Framework("djl", "0.30", "application/x-djl"), null);

  static final class ServingOnly implements ModelRuntime {
    @Override
    public boolean loads(String mediaType) {
      return true;
    }

    @Override
    public Loaded load(Path file, String shownName) {
      return new Loaded() {
        @Override
        public List<Field> inputs() {
          return List.of();
        }

        @Override
        public ModelCard card() {
          return CARD;
        }

        @Override
        public List<Map<String, Object>> predict(List<Map<String, Object>> rows, boolean strings) {
          return List.of();
        }
      };
    }
  }

  @Test
  void whatARuntimeCannotDoIsUnsupportedNamingTheFramework() throws Exception {
    ModelRuntime rt = new ServingOnly();
    ModelRuntime.Loaded m = rt.load(Path.of("m.bin"), "m.bin");
    assertThat(rt.card(Path.of("m.bin"), "m.bin")).isSameAs(CARD);
    assertThatThrownBy(() -> m.evaluate(Path.of("h.csv"), "h.csv")).isInstanceOf(ModelRuntime.Unsupported.class)
        .hasMessage("h.csv: the model runtime of djl models cannot score datasets");
    assertThatThrownBy(m::files).hasMessage("the model runtime of djl models cannot write a model into a deployment bundle");
    assertThatThrownBy(m::onnx).isInstanceOf(ModelRuntime.Unsupported.class).hasMessage("the model runtime of djl models cannot export ONNX");
    assertThat(m.manifest()).isEmpty();
    assertThatThrownBy(() -> rt.dataset(Path.of("t.csv"), "t.csv")).isInstanceOf(ModelRuntime.Unsupported.class)
        .hasMessage("t.csv: this model runtime (ServingOnly) cannot read datasets"
            + "\n  hint: the data check needs the runtime of the model's framework to read its training data; drop data-check: for this model")
        .satisfies(e -> assertThat(((ModelRuntime.Unsupported) e).reason()).isEqualTo("t.csv: this model runtime (ServingOnly) cannot read datasets"));
  }

  @Test
  void aRuntimeWithoutMetricsOfItsOwnGetsThemFromItsPredictions() {
    ModelRuntime.Evaluation c = ModelRuntime.Evaluation.classification(List.of("no", "yes"), new String[] {"yes", "yes", "no", "no"}, new String[] {"yes", "no", "no", "no"});
    assertThat(c.metrics()).containsEntry("accuracy", 0.75).containsEntry("precision.yes", 1.0).containsEntry("recall.yes", 0.5).containsEntry("recall.no", 1.0)
        .containsEntry("precision.no", 2.0 / 3).containsEntry("balanced-accuracy", 0.75);
    assertThat(c.correct()).containsExactly(true, false, true, true);
    ModelRuntime.Evaluation r = ModelRuntime.Evaluation.regression(new double[] {1, 2, 3}, new double[] {1, 2, 5});
    assertThat(r.metrics()).containsEntry("mae", 2.0 / 3).containsEntry("r2", 1 - 4.0 / 2).containsEntry("rmse", Math.sqrt(4.0 / 3));
    assertThat(r.task()).isEqualTo("regression");
    assertThatThrownBy(() -> ModelRuntime.Evaluation.regression(new double[1], new double[2])).hasMessage("actual and predicted differ in length: 1 and 2");
  }
}
