package dev.kiln.tribuo.data;

import dev.kiln.api.InvalidInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Splits rows into train / valid / test: at random, stratified by the target, or by time. */
public final class Split {
  /** How rows are assigned. */
  public enum Method {
    RANDOM,
    STRATIFIED,
    TIME
  }

  /** Row indices of each part, in the order they appear in the part. */
  public record Parts(int[] train, int[] valid, int[] test) {}

  private Split() {}

  public static Parts split(Table t, Method method, double validFraction, double testFraction, long seed, String timeColumn, String file) throws InvalidInput {
    int n = t.rows();
    return switch (method) {
      case RANDOM -> cut(shuffled(range(n), seed), validFraction, testFraction);
      case STRATIFIED -> stratified(t, validFraction, testFraction, seed, file);
      case TIME -> byTime(t, timeColumn, validFraction, testFraction, file);
    };
  }

  /** {@code 0 .. n-1}. */
  public static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  /** Shuffles {@code a} in place (Fisher-Yates, seeded) and returns it. */
  public static int[] shuffled(int[] a, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int x = a[i];
      a[i] = a[j];
      a[j] = x;
    }
    return a;
  }

  private static Parts cut(int[] order, double validFraction, double testFraction) {
    int n = order.length;
    int test = (int) Math.round(n * testFraction);
    int valid = (int) Math.round(n * validFraction);
    int train = n - test - valid;
    int[] tr = new int[train];
    int[] va = new int[valid];
    int[] te = new int[test];
    System.arraycopy(order, 0, tr, 0, train);
    System.arraycopy(order, train, va, 0, valid);
    System.arraycopy(order, train + valid, te, 0, test);
    return new Parts(tr, va, te);
  }

  private static Parts stratified(Table t, double validFraction, double testFraction, long seed, String file) throws InvalidInput {
    if (t.schema().target() == null) throw new InvalidInput(file + ": a stratified split needs a target column\n  hint: set target:, or use split: {method: random}");
    String[] y = t.targetStrings();
    Map<String, List<Integer>> byClass = new TreeMap<>();
    for (int i = 0; i < y.length; i++) byClass.computeIfAbsent(y[i], k -> new ArrayList<>()).add(i);
    List<Integer> tr = new ArrayList<>();
    List<Integer> va = new ArrayList<>();
    List<Integer> te = new ArrayList<>();
    long s = seed;
    for (List<Integer> rows : byClass.values()) {
      int[] a = shuffled(rows.stream().mapToInt(Integer::intValue).toArray(), s++);
      Parts p = cut(a, validFraction, testFraction);
      for (int i : p.train()) tr.add(i);
      for (int i : p.valid()) va.add(i);
      for (int i : p.test()) te.add(i);
    }
    // interleave classes so a part is not sorted by class
    return new Parts(shuffled(toArray(tr), seed ^ 1), shuffled(toArray(va), seed ^ 2), shuffled(toArray(te), seed ^ 3));
  }

  private static Parts byTime(Table t, String column, double validFraction, double testFraction, String file) throws InvalidInput {
    if (column == null) throw new InvalidInput(file + ": split method time needs time-column:\n  hint: split: {method: time, time-column: date}");
    Object c = t.column(column);
    if (c == null) throw new InvalidInput(file + ": the time column \"" + column + "\" is not in the file" + TableReader.hint(column, t.schema().names().toArray(new String[0])));
    Integer[] order = new Integer[t.rows()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Comparator<Integer> cmp;
    if (c instanceof double[] d) cmp = Comparator.comparingDouble(i -> Double.isNaN(d[i]) ? Double.NEGATIVE_INFINITY : d[i]);
    else {
      String[] s = (String[]) c;
      cmp = Comparator.comparing(i -> s[i] == null ? "" : s[i]); // ISO-8601 dates sort as text
    }
    java.util.Arrays.sort(order, cmp.thenComparingInt(i -> i));
    int[] a = new int[order.length];
    for (int i = 0; i < a.length; i++) a[i] = order[i];
    return cut(a, validFraction, testFraction);
  }

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Rows per class of the target, in label order. */
  public static Map<String, Integer> classCounts(Table t) {
    Map<String, Integer> out = new TreeMap<>();
    if (t.schema().target() == null || t.schema().task() == Task.REGRESSION) return out;
    for (String y : t.targetStrings()) if (y != null) out.merge(y, 1, Integer::sum);
    return new LinkedHashMap<>(out);
  }
}
