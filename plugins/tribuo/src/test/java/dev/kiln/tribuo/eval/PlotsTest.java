package dev.kiln.tribuo.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlotsTest {
  @Test
  void aStaircaseKeepsOnlyItsCorners() {
    // a ROC staircase: up, up, right, right, right, up
    double[][] c = Plots.corners(new double[] {0, 0, 0, 0.1, 0.2, 0.3, 0.3}, new double[] {0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.2});
    assertThat(c[0]).containsExactly(0, 0, 0.3, 0.3);
    assertThat(c[1]).containsExactly(0, 1.0, 1.0, 1.2);
  }

  @Test
  void repeatedPointsGoAndTurningBackStays() {
    // a PR curve's precision can drop and recover at the same recall: the lowest point is drawn, so it stays
    double[][] c = Plots.corners(new double[] {0, 0.5, 0.5, 0.5, 0.5, 1}, new double[] {1, 1, 1, 0.4, 0.8, 0.8});
    assertThat(c[0]).containsExactly(0, 0.5, 0.5, 0.5, 1);
    assertThat(c[1]).containsExactly(1, 1, 0.4, 0.8, 0.8);
    // diagonal runs collapse too; one and two points are left as they are
    assertThat(Plots.corners(new double[] {0, 0.25, 0.5, 1}, new double[] {0, 0.25, 0.5, 1})[0]).containsExactly(0, 1);
    assertThat(Plots.corners(new double[] {0.5}, new double[] {0.5})[0]).containsExactly(0.5);
    assertThat(Plots.corners(new double[] {}, new double[] {})[0]).isEmpty();
  }

  @Test
  void aCurvePlotIsTheSameBytesEachTime() throws Exception {
    int n = 1000;
    double[] fpr = new double[n];
    double[] tpr = new double[n];
    for (int i = 1; i < n; i++) {
      boolean up = (i * 7919) % 3 != 0;
      fpr[i] = fpr[i - 1] + (up ? 0 : 1.0 / n);
      tpr[i] = tpr[i - 1] + (up ? 1.0 / n : 0);
    }
    byte[] a = Plots.curves("ROC curve", "false positive rate", "true positive rate", Map.of("yes", new double[][] {fpr, tpr}), true);
    byte[] b = Plots.curves("ROC curve", "false positive rate", "true positive rate", Map.of("yes", new double[][] {fpr, tpr}), true);
    assertThat(a).isEqualTo(b);
    assertThat(a).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }
}
