package dev.kiln.tribuo;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.util.List;

/** Picks the best of several candidates (e.g. the models of a matrix of train steps) by score. */
final class SelectStep implements StepType<SelectStep.Params> {

  record Params(
      @Param(value = "the candidates, e.g. ${{ steps.train.outputs.model }} of a matrix step", required = true) List<Artifact> candidates,
      @Param(value = "one score per candidate, in the same order, e.g. ${{ steps.train.outputs.score }}", required = true) List<Double> scores,
      @Param("one label per candidate for the log and outputs, e.g. the matrix values") List<String> labels,
      @Param(value = "higher scores are better", defaultValue = "true") Boolean higherIsBetter) {
    Params {
      if (candidates != null && scores != null && candidates.size() != scores.size()) {
        throw new InvalidParamException("scores", false, candidates.size() + " candidates but " + scores.size() + " scores", "give one score per candidate, in the same order");
      }
      if (labels != null && candidates != null && labels.size() != candidates.size()) {
        throw new InvalidParamException("labels", false, candidates.size() + " candidates but " + labels.size() + " labels", null);
      }
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "tribuo/select",
        "Picks the best candidate artifact (e.g. model) by score",
        Params.class,
        "1",
        List.of(
            Output.artifact("best", "the best candidate"),
            Output.value("score", "its score"),
            Output.value("index", "its position in candidates (0-based)"),
            Output.value("label", "its label (when labels are given)")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    if (p.candidates().isEmpty()) throw new StepFailure("no candidates to select from", false);
    boolean higher = p.higherIsBetter() == null || p.higherIsBetter();
    int best = -1;
    for (int i = 0; i < p.scores().size(); i++) {
      double s = p.scores().get(i);
      String label = p.labels() == null ? "#" + i : p.labels().get(i);
      ctx.log(String.format(java.util.Locale.ROOT, "%-28s %.4f", label, s));
      if (Double.isNaN(s)) continue;
      if (best < 0 || (higher ? s > p.scores().get(best) : s < p.scores().get(best))) best = i;
    }
    if (best < 0) throw new StepFailure("every score is NaN; nothing to select", false);
    String label = p.labels() == null ? "#" + best : p.labels().get(best);
    ctx.log("selected " + label + " with " + p.scores().get(best));
    return StepResult.builder().output("best", p.candidates().get(best)).output("score", p.scores().get(best)).output("index", best).output("label", label)
        .metric("best-score", p.scores().get(best)).build();
  }
}
