package dev.kiln.data.profile;

import java.util.Locale;

/** How the profile treats a column, from its DuckDB type and (for strings) its cardinality. */
public enum ColumnKind {
  /** Numbers: quantiles, outliers, a histogram, Pearson and Spearman. */
  NUMERIC,
  /** Strings and booleans with few distinct values: top values, a bar chart, Cramér's V. */
  CATEGORICAL,
  /** Strings with many distinct values (names, free text, ids): top values only. */
  TEXT,
  /** Dates, times and timestamps: missing, distinct, min and max. */
  DATETIME,
  /** Anything else (lists, structs, blobs): missing and distinct. */
  OTHER;

  /** A string column is TEXT above this many distinct values, when they are also most of its values. */
  static final int MAX_CATEGORIES = 50;

  static ColumnKind of(String sqlType, long count, long distinct) {
    String t = sqlType.toUpperCase(Locale.ROOT);
    if (t.matches("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))|FLOAT|DOUBLE|DECIMAL.*")) return NUMERIC;
    if (t.startsWith("DATE") || t.startsWith("TIME")) return DATETIME;
    if (t.equals("BOOLEAN") || t.startsWith("ENUM")) return CATEGORICAL;
    if (t.equals("VARCHAR")) return distinct > MAX_CATEGORIES && distinct * 2 > count ? TEXT : CATEGORICAL;
    return OTHER;
  }

  static boolean isFloat(String sqlType) {
    String t = sqlType.toUpperCase(Locale.ROOT);
    return t.equals("FLOAT") || t.equals("DOUBLE");
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
