package dev.kiln.data.profile;

import dev.kiln.api.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * The profile's pictures, drawn with Java2D into PNG bytes: fixed sizes, one logical font, no
 * timestamps, so the same numbers give the same bytes. Small on purpose: histograms, horizontal
 * bars, stacked shares, box summaries, a scatter and a heatmap are all the report needs.
 */
public final class Charts {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 9);
  private static final Color BAR = new Color(70, 130, 180);
  private static final Color AXIS = new Color(90, 90, 90);
  private static final Color GRID = new Color(230, 230, 230);
  /** Colours for classes, in order (Tableau 10). */
  private static final Color[] PALETTE = {
    new Color(78, 121, 167), new Color(242, 142, 43), new Color(225, 87, 89), new Color(118, 183, 178), new Color(89, 161, 79),
    new Color(237, 201, 72), new Color(176, 122, 161), new Color(255, 157, 167), new Color(156, 117, 95), new Color(186, 176, 172)};

  private Charts() {}

  /** A histogram over bins {@code edges[i]..edges[i+1]}. */
  public static byte[] histogram(String title, String xLabel, double[] edges, long[] counts) {
    Canvas c = new Canvas(480, 300, title);
    long top = 1;
    for (long n : counts) top = Math.max(top, n);
    Plot p = c.plot(56, 36, 20, 44, edges[0], edges[edges.length - 1], 0, top);
    p.yTicks(false);
    p.xTicks();
    c.g.setColor(BAR);
    for (int i = 0; i < counts.length; i++) {
      int x0 = p.x(edges[i]);
      int x1 = p.x(edges[i + 1]);
      int y = p.y(counts[i]);
      c.g.fillRect(x0, y, Math.max(1, x1 - x0 - 1), p.y(0) - y);
    }
    p.frame();
    c.xLabel(xLabel, p);
    return c.png();
  }

  /** Horizontal bars, one per label, the value printed at the end of each. */
  public static byte[] bars(String title, String valueLabel, List<String> labels, double[] values, boolean percent) {
    int rowH = 18;
    Canvas c = new Canvas(560, Math.max(160, 80 + rowH * labels.size()), title);
    int left = Math.min(200, 16 + labelWidth(c.g, labels));
    double lo = Math.min(0, min(values));
    double hi = Math.max(max(values), lo + 1e-12);
    Plot p = c.plot(left, 36, 76, 40, lo, hi, 0, labels.size());
    p.xTicks();
    for (int i = 0; i < labels.size(); i++) {
      int y = 36 + i * rowH + 3;
      int x0 = p.x(Math.min(0, values[i]));
      int x1 = p.x(Math.max(0, values[i]));
      c.g.setColor(BAR);
      c.g.fillRect(x0, y, Math.max(1, x1 - x0), rowH - 6);
      c.g.setColor(AXIS);
      c.g.setFont(TEXT);
      c.right(clip(c.g, labels.get(i), left - 12), left - 6, y + rowH - 8);
      c.g.drawString(percent ? String.format(Locale.ROOT, "%.1f%%", values[i]) : Numbers.compact(values[i]), x1 + 4, y + rowH - 8);
    }
    p.frame();
    c.xLabel(valueLabel, p);
    return c.png();
  }

  /** One horizontal bar per row label, split into the shares of each series (summing to 1). */
  public static byte[] shares(String title, List<String> rows, List<String> series, double[][] shares) {
    int rowH = 18;
    int legendRows = (series.size() + 3) / 4;
    Canvas c = new Canvas(560, Math.max(160, 96 + rowH * rows.size() + 16 * legendRows), title);
    int left = Math.min(200, 16 + labelWidth(c.g, rows));
    Plot p = c.plot(left, 36, 20, 52 + 16 * legendRows, 0, 1, 0, rows.size());
    p.xTicks();
    for (int i = 0; i < rows.size(); i++) {
      int y = 36 + i * rowH + 3;
      double acc = 0;
      for (int s = 0; s < series.size(); s++) {
        int x0 = p.x(acc);
        acc += shares[i][s];
        int x1 = p.x(acc);
        c.g.setColor(PALETTE[s % PALETTE.length]);
        c.g.fillRect(x0, y, Math.max(0, x1 - x0), rowH - 6);
      }
      c.g.setColor(AXIS);
      c.g.setFont(TEXT);
      c.right(clip(c.g, rows.get(i), left - 12), left - 6, y + rowH - 8);
    }
    p.frame();
    c.xLabel("share of rows", p);
    c.legend(series, p.y1 + 54);
    return c.png();
  }

  /** A box per group: whiskers p5..p95, box p25..p75, a line at the median. */
  public static byte[] boxes(String title, String valueLabel, List<String> groups, double[][] p5p25p50p75p95) {
    int rowH = 26;
    Canvas c = new Canvas(560, Math.max(160, 84 + rowH * groups.size()), title);
    int left = Math.min(200, 16 + labelWidth(c.g, groups));
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] b : p5p25p50p75p95) {
      lo = Math.min(lo, b[0]);
      hi = Math.max(hi, b[4]);
    }
    if (!(lo < hi)) {
      lo = lo - 1;
      hi = hi + 1;
    }
    double pad = (hi - lo) * 0.04;
    Plot p = c.plot(left, 36, 20, 44, lo - pad, hi + pad, 0, groups.size());
    p.xTicks();
    c.g.setStroke(new BasicStroke(1.2f));
    for (int i = 0; i < groups.size(); i++) {
      double[] b = p5p25p50p75p95[i];
      int y = 36 + i * rowH + 4;
      int mid = y + (rowH - 8) / 2;
      Color col = PALETTE[i % PALETTE.length];
      c.g.setColor(AXIS);
      c.g.drawLine(p.x(b[0]), mid, p.x(b[1]), mid);
      c.g.drawLine(p.x(b[3]), mid, p.x(b[4]), mid);
      c.g.drawLine(p.x(b[0]), y + 4, p.x(b[0]), y + rowH - 12);
      c.g.drawLine(p.x(b[4]), y + 4, p.x(b[4]), y + rowH - 12);
      c.g.setColor(col);
      c.g.fillRect(p.x(b[1]), y, Math.max(1, p.x(b[3]) - p.x(b[1])), rowH - 8);
      c.g.setColor(Color.BLACK);
      c.g.drawLine(p.x(b[2]), y, p.x(b[2]), y + rowH - 8);
      c.g.setColor(AXIS);
      c.g.setFont(TEXT);
      c.right(clip(c.g, groups.get(i), left - 12), left - 6, mid + 4);
    }
    p.frame();
    c.xLabel(valueLabel, p);
    return c.png();
  }

  /** Points (x, y). */
  public static byte[] scatter(String title, String xLabel, String yLabel, double[] xs, double[] ys) {
    Canvas c = new Canvas(480, 340, title);
    double x0 = min(xs);
    double x1 = max(xs);
    double y0 = min(ys);
    double y1 = max(ys);
    if (!(x0 < x1)) {
      x0 -= 1;
      x1 += 1;
    }
    if (!(y0 < y1)) {
      y0 -= 1;
      y1 += 1;
    }
    Plot p = c.plot(64, 36, 20, 44, x0, x1, y0, y1);
    p.xTicks();
    p.yTicks(true);
    c.g.setColor(new Color(70, 130, 180, 110));
    for (int i = 0; i < xs.length; i++) {
      if (Double.isNaN(xs[i]) || Double.isNaN(ys[i])) continue;
      c.g.fillRect(p.x(xs[i]) - 1, p.y(ys[i]) - 1, 3, 3);
    }
    p.frame();
    c.xLabel(xLabel, p);
    c.yLabel(yLabel, p);
    return c.png();
  }

  /**
   * A square matrix of values in {@code [lo, 1]}, coloured blue (negative) to white to red
   * (positive); a null cell is grey. The values are printed when the matrix is small.
   */
  public static byte[] heatmap(String title, List<String> labels, Double[][] m, double lo) {
    int n = labels.size();
    int cell = Math.max(10, Math.min(36, 640 / Math.max(1, n)));
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    pg.setFont(n > 24 ? SMALL : TEXT);
    int left = Math.min(180, 12 + labelWidth(pg, labels));
    pg.dispose();
    int width = left + n * cell + 90;
    int height = Math.max(260, 36 + n * cell + left + 10);
    Canvas c = new Canvas(Math.max(width, 360), height, title);
    Font font = n > 24 ? SMALL : TEXT;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        Double v = m[i][j];
        c.g.setColor(v == null ? new Color(220, 220, 220) : colour(v, lo));
        c.g.fillRect(left + j * cell, 36 + i * cell, cell, cell);
        if (v != null && n <= 12) {
          c.g.setFont(SMALL);
          c.g.setColor(Math.abs(v) > 0.6 ? Color.WHITE : Color.BLACK);
          String s = String.format(Locale.ROOT, "%.2f", v);
          c.g.drawString(s, left + j * cell + (cell - c.g.getFontMetrics().stringWidth(s)) / 2, 36 + i * cell + cell / 2 + 4);
        }
      }
    }
    c.g.setColor(AXIS);
    c.g.setFont(font);
    for (int i = 0; i < n; i++) {
      String l = clip(c.g, labels.get(i), left - 8);
      c.right(l, left - 4, 36 + i * cell + cell / 2 + 4);
      AffineTransform saved = c.g.getTransform();
      c.g.translate(left + i * cell + cell / 2 + 4, 36 + n * cell + 4);
      c.g.rotate(Math.PI / 2);
      c.g.drawString(l, 0, 0);
      c.g.setTransform(saved);
    }
    int lx = left + n * cell + 24;
    for (int k = 0; k < 100; k++) {
      double v = 1 - k * (1 - lo) / 99.0;
      c.g.setColor(colour(v, lo));
      c.g.fillRect(lx, 36 + k * 2, 14, 2);
    }
    c.g.setColor(AXIS);
    c.g.setFont(TEXT);
    c.g.drawString("1", lx + 18, 44);
    c.g.drawString(Numbers.compact(lo), lx + 18, 36 + 198);
    return c.png();
  }

  private static Color colour(double v, double lo) {
    double t = lo < 0 ? v : (v - lo) / (1 - lo);
    t = Math.max(-1, Math.min(1, t));
    if (t >= 0) return mix(Color.WHITE, new Color(178, 24, 43), t);
    return mix(Color.WHITE, new Color(33, 102, 172), -t);
  }

  private static Color mix(Color a, Color b, double t) {
    return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t), (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
  }

  private static int labelWidth(Graphics2D g, List<String> labels) {
    g.setFont(g.getFont() == null ? TEXT : g.getFont());
    FontMetrics fm = g.getFontMetrics(TEXT);
    int w = 0;
    for (String l : labels) w = Math.max(w, fm.stringWidth(l));
    return w;
  }

  private static String clip(Graphics2D g, String s, int width) {
    FontMetrics fm = g.getFontMetrics();
    if (fm.stringWidth(s) <= width) return s;
    String t = s;
    while (!t.isEmpty() && fm.stringWidth(t + "…") > width) t = t.substring(0, t.length() - 1);
    return t + "…";
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double d : v) if (!Double.isNaN(d)) m = Math.min(m, d);
    return m == Double.POSITIVE_INFINITY ? 0 : m;
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double d : v) if (!Double.isNaN(d)) m = Math.max(m, d);
    return m == Double.NEGATIVE_INFINITY ? 1 : m;
  }

  /** An image with a white background and a title. */
  private static final class Canvas {
    final BufferedImage image;
    final Graphics2D g;
    final int w;
    final int h;

    Canvas(int w, int h, String title) {
      this.w = w;
      this.h = h;
      image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      g = image.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setColor(Color.BLACK);
      g.setFont(TITLE);
      g.drawString(clip(g, title, w - 20), 10, 20);
    }

    Plot plot(int left, int top, int right, int bottom, double x0, double x1, double y0, double y1) {
      return new Plot(this, left, top, w - right, h - bottom, x0, x1, y0, y1);
    }

    void right(String s, int x, int y) {
      g.drawString(s, x - g.getFontMetrics().stringWidth(s), y);
    }

    void xLabel(String s, Plot p) {
      g.setFont(TEXT);
      g.setColor(AXIS);
      String t = clip(g, s, p.x1 - p.x0);
      g.drawString(t, (p.x0 + p.x1 - g.getFontMetrics().stringWidth(t)) / 2, p.y1 + 32);
    }

    void yLabel(String s, Plot p) {
      g.setFont(TEXT);
      g.setColor(AXIS);
      AffineTransform saved = g.getTransform();
      String t = clip(g, s, p.y1 - p.y0);
      g.translate(12, (p.y0 + p.y1 + g.getFontMetrics().stringWidth(t)) / 2);
      g.rotate(-Math.PI / 2);
      g.drawString(t, 0, 0);
      g.setTransform(saved);
    }

    void legend(List<String> series, int y) {
      g.setFont(TEXT);
      int x = 16;
      int row = 0;
      for (int s = 0; s < series.size(); s++) {
        if (s > 0 && s % 4 == 0) {
          row++;
          x = 16;
        }
        g.setColor(PALETTE[s % PALETTE.length]);
        g.fillRect(x, y + row * 16 - 9, 10, 10);
        g.setColor(AXIS);
        String t = clip(g, series.get(s), 110);
        g.drawString(t, x + 14, y + row * 16);
        x += 134;
      }
    }

    byte[] png() {
      g.dispose();
      return Png.encode(image);
    }
  }

  /** The data area of a chart and the mapping from data to pixels. */
  private static final class Plot {
    final Canvas c;
    final int x0;
    final int y0;
    final int x1;
    final int y1;
    final double dx0;
    final double dx1;
    final double dy0;
    final double dy1;

    Plot(Canvas c, int x0, int y0, int x1, int y1, double dx0, double dx1, double dy0, double dy1) {
      this.c = c;
      this.x0 = x0;
      this.y0 = y0;
      this.x1 = x1;
      this.y1 = y1;
      this.dx0 = dx0;
      this.dx1 = dx1 > dx0 ? dx1 : dx0 + 1;
      this.dy0 = dy0;
      this.dy1 = dy1 > dy0 ? dy1 : dy0 + 1;
    }

    int x(double v) {
      return x0 + (int) Math.round((v - dx0) / (dx1 - dx0) * (x1 - x0));
    }

    int y(double v) {
      return y1 - (int) Math.round((v - dy0) / (dy1 - dy0) * (y1 - y0));
    }

    void xTicks() {
      c.g.setFont(TEXT);
      for (double t : Numbers.ticks(dx0, dx1, 6)) {
        int x = x(t);
        c.g.setColor(GRID);
        c.g.drawLine(x, y0, x, y1);
        c.g.setColor(AXIS);
        c.g.drawLine(x, y1, x, y1 + 4);
        String s = Numbers.compact(t);
        c.g.drawString(s, x - c.g.getFontMetrics().stringWidth(s) / 2, y1 + 16);
      }
    }

    void yTicks(boolean grid) {
      c.g.setFont(TEXT);
      for (double t : Numbers.ticks(dy0, dy1, 5)) {
        int y = y(t);
        c.g.setColor(GRID);
        c.g.drawLine(x0, y, x1, y);
        c.g.setColor(AXIS);
        c.g.drawLine(x0 - 4, y, x0, y);
        c.right(Numbers.compact(t), x0 - 6, y + 4);
      }
    }

    void frame() {
      c.g.setColor(AXIS);
      c.g.setStroke(new BasicStroke(1f));
      c.g.draw(new Rectangle2D.Double(x0, y0, x1 - x0, y1 - y0));
    }
  }
}
