package dev.kiln.data.check;

import java.math.BigDecimal;

/** Numbers as data/check prints them: integers without a fraction, others in their shortest form. */
final class Numbers {
  private Numbers() {}

  static String format(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** Rounded to {@code digits} decimals, for statistics in messages. */
  static String round(double d, int digits) {
    return new BigDecimal(d).setScale(digits, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }
}
