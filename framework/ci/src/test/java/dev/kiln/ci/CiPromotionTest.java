package dev.kiln.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.engine.json.Json;
import dev.kiln.registry.PromotionRefused;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CiPromotionTest {
  @TempDir Path dir;

  private static final String BUILD = """
      {"commit": "abc", "pipelines": [
        {"file": "pipelines/a.yaml", "runId": "r1", "candidates": [
          {"model": "a", "version": 3, "step": "gate"},
          {"model": "b", "version": null, "step": "gate"}]},
        {"file": "pipelines/c.yaml", "runId": "r2", "candidates": [
          {"model": "c", "version": 7, "step": "check"}]}]}
      """;

  @Test
  void eachRegisteredCandidateGoesThroughTheMoverInOrderAndARefusalIsADecisionNotAFailure() {
    List<String> moved = new ArrayList<>();
    List<CiPromotion.Decision> d = CiPromotion.decide(Json.read(BUILD), (model, version, reason) -> {
      moved.add(model + ":" + version + " " + reason);
      if (model.equals("c")) throw new PromotionRefused("c version 7 is not blessed", null);
      return 2;
    });
    assertThat(moved).containsExactly("a:3 kiln ci promote: blessed by gate of pipelines/a.yaml (run r1)",
        "c:7 kiln ci promote: blessed by check of pipelines/c.yaml (run r2)");
    assertThat(d).containsExactly(
        new CiPromotion.Decision("a", 3, "pipelines/a.yaml", "promoted", "kiln ci promote: blessed by gate of pipelines/a.yaml (run r1)", 2),
        new CiPromotion.Decision("b", null, "pipelines/a.yaml", "not-registered", "the pipeline validates it but registers no version (add a kiln/register step)", null),
        new CiPromotion.Decision("c", 7, "pipelines/c.yaml", "refused", "c version 7 is not blessed", null));
  }

  @Test
  void aMissingOrForeignCandidatesFileIsAProblemSaidInASentence() throws Exception {
    assertThatThrownBy(() -> CiPromotion.readCandidates(dir.resolve("none.json"), "kiln-ci/none.json")).isInstanceOf(CiProblem.class)
        .hasMessage("kiln-ci/none.json does not exist; run kiln ci retrain first (it writes the candidates of this build)");
    Path junk = Files.writeString(dir.resolve("junk.json"), "{not json");
    assertThatThrownBy(() -> CiPromotion.readCandidates(junk, "kiln-ci/junk.json")).isInstanceOf(CiProblem.class)
        .hasMessage("kiln-ci/junk.json is not what kiln ci retrain writes (not JSON)");
    Path ok = Files.writeString(dir.resolve("ok.json"), BUILD);
    assertThat(CiPromotion.readCandidates(ok, "ok.json").path("commit").asText()).isEqualTo("abc");
  }

  @Test
  void theMlflowRunIsTheLastOneTheTrackersName() {
    assertThat(Candidates.mlflowRun(List.of("tracking: MLflow run http://m/#/experiments/1/runs/a", "other", "tracking: MLflow run http://m/#/experiments/1/runs/b (3 events)")))
        .isEqualTo("http://m/#/experiments/1/runs/b");
    assertThat(Candidates.mlflowRun(List.of("tracking: MLflow at http://m is slow"))).isNull();
  }
}
