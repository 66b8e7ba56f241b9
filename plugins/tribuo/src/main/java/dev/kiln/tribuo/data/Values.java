package dev.kiln.tribuo.data;

/** Number formatting shared by every file Kiln writes, so equal data gives equal bytes. */
public final class Values {
  private Values() {}

  /** Integers without a fraction, others in Java's shortest round-trip form. */
  public static String format(double d) {
    if (Double.isNaN(d)) return "";
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
    return Double.toString(d);
  }
}
