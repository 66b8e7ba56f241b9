package dev.kiln.testkit;

import java.util.ArrayList;
import java.util.List;

/** A line diff for golden-file mismatches: changed lines with a little context, numbered as in each text. */
final class LineDiff {
  private static final int CONTEXT = 2;
  /** Beyond this many lines on each side the diff compares only a prefix: golden files are small. */
  private static final int MAX_LINES = 2000;

  private LineDiff() {}

  static String of(String expected, String actual) {
    List<String> a = lines(expected);
    List<String> b = lines(actual);
    int n = Math.min(a.size(), MAX_LINES);
    int m = Math.min(b.size(), MAX_LINES);
    // longest common subsequence, then walk it to ' ', '-' and '+' lines
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String[]> ops = new ArrayList<>(); // {op, text, line number}
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        ops.add(new String[] {" ", a.get(i), String.valueOf(i + 1)});
        i++;
        j++;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.add(new String[] {"-", a.get(i), String.valueOf(i + 1)});
        i++;
      } else {
        ops.add(new String[] {"+", b.get(j), String.valueOf(j + 1)});
        j++;
      }
    }
    StringBuilder sb = new StringBuilder();
    int lastShown = -1;
    for (int k = 0; k < ops.size(); k++) {
      if (!near(ops, k)) continue;
      if (lastShown >= 0 && k > lastShown + 1) sb.append("   ...\n");
      String[] op = ops.get(k);
      sb.append(op[0]).append(String.format("%4s", op[2])).append(" | ").append(op[1]).append('\n');
      lastShown = k;
    }
    if (a.size() > MAX_LINES || b.size() > MAX_LINES) sb.append("   (compared the first ").append(MAX_LINES).append(" lines)\n");
    return sb.toString();
  }

  private static boolean near(List<String[]> ops, int k) {
    for (int d = Math.max(0, k - CONTEXT); d <= Math.min(ops.size() - 1, k + CONTEXT); d++) {
      if (!ops.get(d)[0].equals(" ")) return true;
    }
    return false;
  }

  private static List<String> lines(String s) {
    List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
    return out;
  }
}
