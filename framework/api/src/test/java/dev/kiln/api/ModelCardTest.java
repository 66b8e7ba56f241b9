package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCardTest {
  /** How model bundles write card.json: sorted keys, pretty printed. */
  static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /** A card as tribuo/train wrote it before cards were typed (no framework key). */
  static final String TRIBUO_CARD = """
      {
        "algorithm" : "logistic-regression",
        "class-weights" : { "no" : 1.0, "yes" : 3.0 },
        "feature-count" : 7,
        "hyperparameters" : { "epochs" : 20, "learning-rate" : 0.1 },
        "input-columns" : [ { "name" : "age", "type" : "numeric" }, { "name" : "plan", "type" : "categorical" },
          { "derived" : "age / 10", "name" : "decade", "type" : "numeric" } ],
        "kiln-step" : "train[1]",
        "labels" : [ "no", "yes" ],
        "loss-curve" : [ [ 1.0, 0.69 ], [ 2.0, 0.41 ] ],
        "metrics" : { "train.accuracy" : 0.9, "valid.accuracy" : 0.85 },
        "name" : "churn",
        "onnx" : true,
        "positive" : "yes",
        "score" : { "metric" : "accuracy", "on" : "valid", "value" : 0.85 },
        "seed" : 42,
        "target" : "churned",
        "task" : "classification",
        "training-data" : { "name" : "train.csv", "sha256" : "ab12" },
        "training-rows" : 120,
        "transform" : { "sha256" : "cd34" },
        "tribuo-version" : "4.3.2"
      }""";

  private static Map<String, Object> read(String json) throws Exception {
    return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
  }

  private static String write(Map<String, Object> m) throws Exception {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m);
  }

  @Test
  void aCardReadAndWrittenAgainIsTheSameBytes() throws Exception {
    Map<String, Object> json = read(TRIBUO_CARD);
    ModelCard card = ModelCard.fromMap(json);
    assertThat(write(card.toMap())).isEqualTo(write(json));
  }

  @Test
  void theTypedFieldsSayWhatTheModelIsAndTheRestAreDetails() throws Exception {
    ModelCard card = ModelCard.fromMap(read(TRIBUO_CARD));
    assertThat(card.task()).isEqualTo("classification");
    assertThat(card.labels()).containsExactly("no", "yes");
    assertThat(card.seed()).isEqualTo(42L);
    assertThat(card.inputs()).extracting(ModelCard.Input::field)
        .containsExactly(new ModelRuntime.Field("age", "numeric"), new ModelRuntime.Field("plan", "categorical"), new ModelRuntime.Field("decade", "numeric"));
    assertThat(card.inputs().get(2).derived()).isEqualTo("age / 10");
    assertThat(card.metrics()).containsEntry("valid.accuracy", 0.85);
    assertThat(card.score()).isEqualTo(new ModelCard.Score("accuracy", 0.85, "valid"));
    assertThat(card.lineage()).isEqualTo(new ModelCard.Lineage("train[1]", new ModelCard.Data("ab12", "train.csv"), 120));
    assertThat(card.framework()).as("a card from before cards named their framework").isNull();
    assertThat(card.details().keySet()).containsExactlyInAnyOrder("class-weights", "feature-count", "loss-curve", "onnx", "transform", "tribuo-version");
    assertThat(card.detailNumber("feature-count")).isEqualTo(7);
  }

  @Test
  void theFrameworkIsAnAddedKey() throws Exception {
    Map<String, Object> old = read(TRIBUO_CARD);
    ModelCard card = ModelCard.fromMap(old).withFramework(new ModelCard.Framework("tribuo", "4.3.2", "application/vnd.kiln.model+zip"));
    Map<String, Object> written = card.toMap();
    assertThat(written).containsEntry("framework", Map.of("name", "tribuo", "version", "4.3.2", "media-type", "application/vnd.kiln.model+zip"));
    written.remove("framework");
    assertThat(write(written)).as("every other key as before").isEqualTo(write(old));
    assertThat(ModelCard.fromMap(card.toMap())).isEqualTo(card);
  }

  @Test
  void aMinimalCardWritesOnlyWhatItHas() {
    ModelCard card = new ModelCard("m", "mlp", "regression", "y", null, null, null, null, List.of(new ModelCard.Input("x", "numeric", null)), Map.of("rmse", 0.5),
        null, null, new ModelCard.Framework("djl", null, "application/x-test"), null);
    assertThat(card.toMap().keySet()).containsExactly("name", "algorithm", "task", "target", "hyperparameters", "input-columns", "metrics", "framework");
    assertThat(ModelCard.fromMap(card.toMap())).isEqualTo(card);
  }

  @Test
  void aValueOfTheWrongKindNamesItsKey() {
    assertThatThrownBy(() -> ModelCard.fromMap(Map.of("seed", "x"))).isInstanceOf(IllegalArgumentException.class).hasMessage("\"seed\" must be a number, found \"x\"");
    assertThatThrownBy(() -> ModelCard.fromMap(Map.of("input-columns", List.of("age")))).hasMessage("\"input-columns\" must be a list of {name, type} objects, found \"age\"");
    assertThatThrownBy(() -> ModelCard.fromMap(Map.of("metrics", Map.of("auc", "high")))).hasMessage("\"metrics.auc\" must be a number, found \"high\"");
    assertThatThrownBy(() -> ModelCard.fromMap(Map.of("task", List.of()))).hasMessage("\"task\" must be a string, found a list");
  }
}
