package dev.kiln.tribuo.eval;

import dev.kiln.api.Png;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders the evaluation pictures as PNG bytes (headless). */
public final class Plots {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final int W = 640;
  private static final int H = 480;

  private Plots() {}

  /** The chart painted by XChart (an RGB image) and encoded by Kiln's PNG writer, several times faster than ImageIO's. */
  public static byte[] png(Chart<?, ?> chart) throws IOException {
    return Png.encode(BitmapEncoder.getBufferedImage(chart));
  }

  public static byte[] confusion(List<String> labels, double[][] m) throws IOException {
    HeatMapChart c = new HeatMapChartBuilder().width(W).height(H).title("Confusion matrix (rows: actual, columns: predicted)").xAxisTitle("predicted").yAxisTitle("actual").build();
    c.getStyler().setShowValue(true);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
    List<Number[]> cells = new ArrayList<>();
    int n = labels.size();
    for (int a = 0; a < n; a++) {
      for (int p = 0; p < n; p++) cells.add(new Number[] {p, n - 1 - a, m[a][p]});
    }
    List<String> ys = new ArrayList<>(labels);
    java.util.Collections.reverse(ys);
    c.addSeries("confusion", labels, ys, cells);
    return png(c);
  }

  public static byte[] curves(String title, String x, String y, Map<String, double[][]> series, boolean diagonal) throws IOException {
    XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    for (var e : series.entrySet()) {
      double[][] xy = corners(e.getValue()[0], e.getValue()[1]);
      XYSeries s = c.addSeries(e.getKey(), xy[0], xy[1]);
      s.setMarker(SeriesMarkers.NONE);
    }
    if (diagonal) {
      XYSeries d = c.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
      d.setMarker(SeriesMarkers.NONE);
      d.setLineColor(Color.GRAY);
    }
    return png(c);
  }

  /**
   * The polyline's corners: repeated points, and points on the straight segment between their
   * neighbours, are left out, which draws the same line (a point where the line turns back is kept).
   * A ROC curve over 1,250 scores is a staircase of 1,251 points whose true-positive rates are every
   * k/P; XChart 3.8.8 treats an axis whose data values are equally spaced as one to put a tick at
   * every value (AxisTickCalculator_.calculateForEquallySpacedAxisValues), which on churn took
   * 0.11-0.36 s and labelled the axis with 15-digit fractions. Through its corners (100-300 points)
   * the values are no longer all there, the axis gets ordinary ticks and the plot takes 0.01-0.04 s.
   * A staircase whose every step is a corner (positives and negatives alternating) still takes
   * XChart's slow path; its picture is the same as before.
   */
  static double[][] corners(double[] xs, double[] ys) {
    int n = xs.length;
    double[] ox = new double[n];
    double[] oy = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (m > 0 && xs[i] == ox[m - 1] && ys[i] == oy[m - 1]) continue;
      if (m >= 2) {
        double ax = ox[m - 1] - ox[m - 2];
        double ay = oy[m - 1] - oy[m - 2];
        double bx = xs[i] - ox[m - 1];
        double by = ys[i] - oy[m - 1];
        if (ax * by == ay * bx && ax * bx + ay * by >= 0) m--;
      }
      ox[m] = xs[i];
      oy[m] = ys[i];
      m++;
    }
    return new double[][] {java.util.Arrays.copyOf(ox, m), java.util.Arrays.copyOf(oy, m)};
  }

  public static byte[] scatter(String title, String x, String y, double[] xs, double[] ys, boolean diagonal, boolean zeroLine) throws IOException {
    XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setLegendVisible(false);
    c.getStyler().setMarkerSize(4);
    XYSeries s = c.addSeries("points", xs, ys);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : xs) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (diagonal && lo < hi) {
      XYSeries d = c.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
      d.setMarker(SeriesMarkers.NONE);
      d.setLineColor(Color.GRAY);
    }
    if (zeroLine && lo < hi) {
      XYSeries d = c.addSeries("zero", new double[] {lo, hi}, new double[] {0, 0});
      d.setMarker(SeriesMarkers.NONE);
      d.setLineColor(Color.GRAY);
    }
    return png(c);
  }

  public static byte[] bars(String title, String x, String y, List<String> names, List<Double> values) throws IOException {
    CategoryChart c = new CategoryChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setLegendVisible(false);
    c.getStyler().setXAxisLabelRotation(60);
    c.addSeries(y, names, values);
    return png(c);
  }

  public static byte[] line(String title, String x, String y, double[] xs, double[] ys) throws IOException {
    XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setLegendVisible(false);
    XYSeries s = c.addSeries(y, xs, ys);
    s.setMarker(SeriesMarkers.CIRCLE);
    return png(c);
  }
}
