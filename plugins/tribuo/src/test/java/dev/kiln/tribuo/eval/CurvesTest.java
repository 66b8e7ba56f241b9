package dev.kiln.tribuo.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.evaluation.LabelEvaluationUtil;

/** Kiln's primitive curves give exactly Tribuo's numbers (the metrics the evaluate step always reported). */
class CurvesTest {
  @Test
  void rocPrAucAndAveragePrecisionEqualTribuosBitForBitWithTiesAndWithout() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + rnd.nextInt(400);
      boolean ties = trial % 2 == 0;
      boolean[] pos = new boolean[n];
      double[] score = new double[n];
      boolean any = false;
      boolean all = true;
      for (int i = 0; i < n; i++) {
        pos[i] = rnd.nextDouble() < 0.3;
        score[i] = ties ? rnd.nextInt(10) / 10.0 : rnd.nextDouble();
        if (pos[i] && rnd.nextDouble() < 0.5) score[i] = Math.min(1, score[i] + 0.3);
        any |= pos[i];
        all &= pos[i];
      }
      if (!any || all) continue;
      Curves c = Curves.of(pos, score);
      var roc = LabelEvaluationUtil.generateROCCurve(pos, score);
      var pr = LabelEvaluationUtil.generatePRCurve(pos, score);
      assertThat(c.roc()[0]).as("fpr, trial %d", trial).containsExactly(roc.fpr);
      assertThat(c.roc()[1]).as("tpr, trial %d", trial).containsExactly(roc.tpr);
      assertThat(c.pr()[0]).as("recall, trial %d", trial).containsExactly(pr.recall);
      assertThat(c.pr()[1]).as("precision, trial %d", trial).containsExactly(pr.precision);
      assertThat(c.rocAuc()).as("auc, trial %d", trial).isEqualTo(LabelEvaluationUtil.binaryAUCROC(pos, score));
      assertThat(c.averagePrecision()).as("ap, trial %d", trial).isEqualTo(LabelEvaluationUtil.averagedPrecision(pos, score));
    }
  }

  @Test
  void aPerfectRankingHasAucOneAndAllTiedScoresHaveAucOneHalf() {
    boolean[] pos = {true, true, false, false};
    assertThat(Curves.of(pos, new double[] {0.9, 0.8, 0.2, 0.1}).rocAuc()).isEqualTo(1.0);
    assertThat(Curves.of(pos, new double[] {0.5, 0.5, 0.5, 0.5}).rocAuc()).isEqualTo(0.5);
    assertThat(Curves.of(pos, new double[] {0.1, 0.2, 0.8, 0.9}).rocAuc()).isEqualTo(0.0);
  }
}
