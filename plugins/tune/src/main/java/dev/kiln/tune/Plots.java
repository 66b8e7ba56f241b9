package dev.kiln.tune;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The plots of a search: optimisation history, each parameter against the objective, parallel coordinates. */
final class Plots {
  private Plots() {}

  static Map<String, byte[]> all(Space space, List<Trial> trials, String metric, boolean max) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    List<Trial> complete = trials.stream().filter(t -> t.state() == Trial.State.COMPLETE).toList();
    if (complete.isEmpty()) return out;
    out.put("history", history(complete, metric, max));
    for (Space.Dim d : space.all()) {
      List<Trial> with = complete.stream().filter(t -> t.params().containsKey(d.id())).toList();
      if (with.isEmpty()) continue;
      out.put("param-" + d.id().replaceAll("[^A-Za-z0-9_.=-]", "_"), slice(d, with, metric));
    }
    if (space.dims().size() > 1) out.put("parallel-coordinates", parallel(space, complete, metric, max));
    return out;
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(720).height(440).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesVisible(true);
    c.getStyler().setMarkerSize(7);
    return c;
  }

  static byte[] history(List<Trial> complete, String metric, boolean max) throws IOException {
    XYChart c = chart("Optimisation history", "trial", metric);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    List<Double> bx = new ArrayList<>();
    List<Double> by = new ArrayList<>();
    Double best = null;
    for (Trial t : complete) {
      xs.add((double) t.number());
      ys.add(t.value());
      best = best == null ? t.value() : max ? Math.max(best, t.value()) : Math.min(best, t.value());
      bx.add((double) t.number());
      by.add(best);
    }
    XYSeries s = c.addSeries("trial", xs, ys);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    XYSeries b = c.addSeries("best so far", bx, by);
    b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
    b.setMarker(SeriesMarkers.NONE);
    b.setLineColor(new Color(200, 40, 40));
    return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }

  static byte[] slice(Space.Dim d, List<Trial> trials, String metric) throws IOException {
    boolean cat = d instanceof Space.Cat;
    XYChart c = chart(d.id() + " vs " + metric, cat ? d.name() + " (" + String.join(", ", ((Space.Cat) d).choices().stream().map(String::valueOf).toList()) + " = 0, 1, ...)" : d.name(), metric);
    if (d instanceof Space.Num n && n.log()) c.getStyler().setXAxisLogarithmic(true);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Trial t : trials) {
      Object v = t.params().get(d.id());
      xs.add(cat ? ((Space.Cat) d).index(v) : ((Number) v).doubleValue());
      ys.add(t.value());
    }
    XYSeries s = c.addSeries("trials", xs, ys);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    c.getStyler().setLegendVisible(false);
    return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }

  /** One line per trial across the top-level parameters (each scaled to [0, 1]), coloured by its value. */
  static byte[] parallel(Space space, List<Trial> trials, String metric, boolean max) throws IOException {
    List<Space.Dim> dims = space.dims();
    List<String> names = new ArrayList<>();
    for (Space.Dim d : dims) names.add(d.name());
    XYChart c = chart("Parallel coordinates (" + String.join(" | ", names) + " | " + metric + ")", "parameter", "scaled value (0 = low end, 1 = high end)");
    c.getStyler().setLegendVisible(false);
    double lo = trials.stream().mapToDouble(Trial::value).min().orElse(0);
    double hi = trials.stream().mapToDouble(Trial::value).max().orElse(1);
    List<Trial> ordered = new ArrayList<>(trials);
    ordered.sort((a, b) -> max ? Double.compare(a.value(), b.value()) : Double.compare(b.value(), a.value())); // best drawn last
    for (Trial t : ordered) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < dims.size(); i++) {
        Space.Dim d = dims.get(i);
        Object v = t.params().get(d.id());
        if (v == null) continue;
        double u = d instanceof Space.Cat cat ? (cat.choices().size() == 1 ? 0.5 : (double) cat.index(v) / (cat.choices().size() - 1)) : ((Space.Num) d).toUnit(v);
        xs.add((double) i);
        ys.add(u);
      }
      double q = hi == lo ? 1 : (t.value() - lo) / (hi - lo);
      if (!max) q = 1 - q;
      xs.add((double) dims.size());
      ys.add(q);
      XYSeries s = c.addSeries("trial " + t.number(), xs, ys);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(new Color((float) (0.9 * (1 - q)), (float) (0.2 + 0.5 * q), (float) (0.9 * q), 0.6f));
      s.setLineStyle(new BasicStroke(q > 0.95 ? 2.5f : 1f));
    }
    return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }
}
