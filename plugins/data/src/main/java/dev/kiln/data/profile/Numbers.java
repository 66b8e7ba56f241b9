package dev.kiln.data.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the report and the charts write numbers, and where axis ticks go. */
final class Numbers {
  private Numbers() {}

  /** Integers as integers, thousands and more with one decimal, smaller numbers with 4 significant digits; null as "". */
  static String compact(Double v) {
    if (v == null || v.isNaN()) return "";
    double d = v;
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%d", (long) d);
    double a = Math.abs(d);
    if (a >= 1e9 || a < 1e-3) return String.format(Locale.ROOT, "%.3e", d);
    String s = a >= 1000 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.4g", d);
    if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return s;
  }

  /** "Nice" tick positions (1, 2 or 5 times a power of ten) covering [lo, hi], about {@code n} of them. */
  static List<Double> ticks(double lo, double hi, int n) {
    List<Double> out = new ArrayList<>();
    if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) return out;
    double raw = (hi - lo) / n;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / mag;
    double step = mag * (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10);
    if (step <= 0) return out;
    for (long k = (long) Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
      out.add(k * step);
      if (out.size() > 50) break;
    }
    return out;
  }
}
