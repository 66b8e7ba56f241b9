package dev.kiln.tribuo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.InvalidInput;
import dev.kiln.dataset.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFileTest {
  @TempDir Path dir;

  static Table sample() {
    Schema s = new Schema(List.of(
        new Schema.Column("id", ColumnType.ID),
        new Schema.Column("x", ColumnType.NUMERIC),
        new Schema.Column("colour", ColumnType.CATEGORICAL),
        new Schema.Column("note", ColumnType.TEXT),
        new Schema.Column("label", ColumnType.CATEGORICAL)), "label", Task.CLASSIFICATION, "yes");
    Object[] cols = {
        new String[] {"001", "002", "003"},
        new double[] {1.5, Double.NaN, -2e-9},
        new String[] {"red", null, "red"},
        new String[] {"a long note, with a comma", "\"quoted\"", ""},
        new String[] {"yes", "no", "no"}};
    return new Table(s, cols, 3);
  }

  @Test
  void aTableComesBackAsItWasWrittenWithItsSchemaMissingValuesAndExactText() throws Exception {
    Path f = dir.resolve("train.parquet");
    DatasetFile.write(sample(), "train", f);
    assertThat(DatasetFile.isDataset(f)).isTrue();
    Table t = DatasetFile.read(f, "train.parquet");
    assertThat(t.schema()).isEqualTo(sample().schema());
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.strings("id")).containsExactly("001", "002", "003");
    assertThat(t.numeric("x")[0]).isEqualTo(1.5);
    assertThat(t.numeric("x")[1]).isNaN();
    assertThat(t.numeric("x")[2]).isEqualTo(-2e-9);
    assertThat(t.strings("colour")).containsExactly("red", null, "red");
    assertThat(t.strings("note")).containsExactly("a long note, with a comma", "\"quoted\"", "");
    assertThat(t.strings("label")).containsExactly("yes", "no", "no");
  }

  @Test
  void theSameTableGivesTheSameBytesAndTheMetadataCarriesRolesAndSplit() throws Exception {
    Path a = dir.resolve("a.parquet");
    Path b = dir.resolve("b.parquet");
    DatasetFile.write(sample(), "test", a);
    DatasetFile.write(sample(), "test", b);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    try (Connection c = Datasets.connect()) {
      Datasets.Meta meta = Datasets.meta(c, a);
      assertThat(meta.split()).isEqualTo("test");
      assertThat(meta.roles()).isEqualTo(new Datasets.Roles("label", "id", null, List.of("note"), null));
    }
  }

  @Test
  void aParquetFileWithoutKilnsSchemaIsTypedFromItsColumnTypesAndRoles() throws Exception {
    Path f = dir.resolve("sql.parquet");
    try (Connection c = Datasets.connect()) {
      Datasets.write(c, "SELECT * FROM (VALUES (1, 2.5, 'a', 'x y', 'yes'), (2, NULL, 'b', 'z', 'no')) t(rid, amount, grp, txt, churn)",
          new Datasets.Roles("churn", "rid", null, List.of("txt"), null), "all", f);
    }
    Table t = DatasetFile.read(f, "sql.parquet");
    assertThat(t.schema().columns()).containsExactly(
        new Schema.Column("rid", ColumnType.ID), new Schema.Column("amount", ColumnType.NUMERIC), new Schema.Column("grp", ColumnType.CATEGORICAL),
        new Schema.Column("txt", ColumnType.TEXT), new Schema.Column("churn", ColumnType.CATEGORICAL));
    assertThat(t.schema().task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(t.strings("rid")).containsExactly("1", "2");
    assertThat(t.numeric("amount")[1]).isNaN();
  }

  @Test
  void aNumericTargetWithoutKilnsSchemaIsRegression() throws Exception {
    Path f = dir.resolve("r.parquet");
    try (Connection c = Datasets.connect()) {
      Datasets.write(c, "SELECT * FROM (VALUES (1.0, 10.5), (2.0, 11.0)) t(x, price)", new Datasets.Roles("price", null, null, List.of(), null), "all", f);
    }
    assertThat(DatasetFile.read(f, "r.parquet").schema().task()).isEqualTo(Task.REGRESSION);
  }

  @Test
  void aDatasetCsvOfAnEarlierVersionIsStillRead() throws Exception {
    Path f = dir.resolve("old.csv");
    String schema = DatasetFile.json().writeValueAsString(new Schema(List.of(new Schema.Column("x", ColumnType.NUMERIC), new Schema.Column("y", ColumnType.CATEGORICAL)), "y", Task.CLASSIFICATION, null));
    Files.writeString(f, "#kiln-dataset " + schema + "\nx,y\n1,a\n,b\n");
    Table t = DatasetFile.read(f, "old.csv");
    assertThat(t.rows()).isEqualTo(2);
    assertThat(t.numeric("x")[1]).isNaN();
    assertThat(t.strings("y")).containsExactly("a", "b");
  }

  @Test
  void aFileThatIsNeitherIsAnInputErrorNamingWhatToPass() throws Exception {
    Path f = dir.resolve("notes.txt");
    Files.writeString(f, "hello\n");
    assertThat(DatasetFile.isDataset(f)).isFalse();
    assertThatThrownBy(() -> DatasetFile.read(f, "notes.txt")).isInstanceOf(InvalidInput.class)
        .hasMessageStartingWith("notes.txt: not a Kiln dataset (not a Parquet file)\n  hint: pass an output of tribuo/ingest or data/ingest");
  }

  @Test
  void aParquetFileWhoseColumnsNoLongerMatchItsSchemaIsRefused() throws Exception {
    Path f = dir.resolve("edited.parquet");
    String schema = DatasetFile.json().writeValueAsString(sample().schema());
    try (Connection c = Datasets.connect()) {
      Datasets.write(c, "SELECT 1.0 AS x", Datasets.Roles.NONE, "all", Map.of(DatasetFile.SCHEMA_KEY, schema), f);
    }
    assertThatThrownBy(() -> DatasetFile.read(f, "edited.parquet")).isInstanceOf(InvalidInput.class)
        .hasMessageContaining("edited.parquet: the columns of the file (x) are not those of its kiln.schema (id, x, colour, note, label)");
  }
}
