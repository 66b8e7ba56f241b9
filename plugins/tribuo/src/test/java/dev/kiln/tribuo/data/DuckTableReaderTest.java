package dev.kiln.tribuo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.InvalidInput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Tribuo steps' reader (DuckDB through framework/dataset, then Tribuo's column typing) on bad and odd input. */
class DuckTableReaderTest {
  @TempDir Path dir;

  private Table read(byte[] content, Set<String> missing) throws Exception {
    Path f = dir.resolve("data.csv");
    Files.write(f, content);
    return DuckTableReader.read(f, "data.csv", new TableReader.Options(null, ',', '"', true, missing, Map.of(), "label", null, null, false, false));
  }

  private Table read(String csv) throws Exception {
    return read(csv.getBytes(StandardCharsets.UTF_8), TableReader.defaultMissing());
  }

  private static String notFinite(String at, String value) {
    return "data.csv:" + at + ": column \"y\" is numeric, found \"" + value + "\", which is not a finite number"
        + "\n  hint: numbers must be finite (at most about 1.8e308 in magnitude); if \"" + value + "\" marks an unknown value, list it under missing: (e.g. missing: ['', NA, '" + value + "'])";
  }

  @Test
  void minusInfinityInANumericColumnIsAnErrorAtItsLineAndColumn() {
    assertThatThrownBy(() -> read("x,y,label\n1,2.5,a\n2,-Infinity,b\n3,4,a\n"))
        .isInstanceOf(InvalidInput.class).hasMessage(notFinite("3:2", "-Infinity"));
  }

  @Test
  void aNumberBeyondADoublesRangeIsAnError() {
    assertThatThrownBy(() -> read("x,y,label\n1,2.5,a\n2,1e400,b\n")).hasMessage(notFinite("3:2", "1e400"));
    assertThatThrownBy(() -> read("x,y,label\n1,2.5,a\n2,-1e400,b\n")).hasMessage(notFinite("3:2", "-1e400"));
  }

  @Test
  void infinityWordsDoNotTurnANumericColumnCategorical() {
    for (String word : List.of("inf", "Infinity", "+inf", "-INF")) {
      assertThatThrownBy(() -> read("x,y,label\n1,2.5,a\n2,3,b\n3," + word + ",a\n")).as(word).hasMessage(notFinite("4:2", word));
    }
  }

  @Test
  void nanSpelledOtherThanTheMissingMarkersIsAnError() {
    assertThatThrownBy(() -> read("x,y,label\n1,2.5,a\n2,-nan,b\n")).hasMessage(notFinite("3:2", "-nan"));
  }

  @Test
  void aNonFiniteWordListedUnderMissingIsMissing() throws Exception {
    Set<String> missing = new HashSet<>(List.of("", "NA", "inf"));
    Table t = read("x,y,label\n1,2.5,a\n2,inf,b\n".getBytes(StandardCharsets.UTF_8), missing);
    assertThat(t.schema().type("y")).isEqualTo(ColumnType.NUMERIC);
    assertThat(t.numeric("y")[0]).isEqualTo(2.5);
    assertThat(t.numeric("y")[1]).isNaN();
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumnsName() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    b.write("sepal_length,label\n5.1,setosa\n4.9,setosa\n".getBytes(StandardCharsets.UTF_8));
    Table t = read(b.toByteArray(), TableReader.defaultMissing());
    assertThat(t.schema().names()).containsExactly("sepal_length", "label");
    assertThat(t.schema().type("sepal_length")).isEqualTo(ColumnType.NUMERIC);
  }

  @Test
  void latin1TextIsReportedAtTheLineAndColumnOfItsFirstInvalidByte() {
    byte[] latin1 = "x,city,label\n1,Z\u00fcrich,a\n2,Bogot\u00e1,b\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> read(latin1, TableReader.defaultMissing())).isInstanceOf(InvalidInput.class)
        .hasMessage("data.csv:2:4: not UTF-8: invalid byte 0xFC"
            + "\n  hint: the file must be UTF-8; if it was saved as Latin-1 (ISO-8859-1), convert it: iconv -f latin1 -t utf-8 data.csv > data-utf8.csv");
  }

  @Test
  void theColumnCountsCharactersNotBytesAcrossReadBuffers() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("x,city,label\n".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 5000; i++) b.writeBytes((i + ",Z\u00fcrich \u2713 \ud83d\ude00,a\n").getBytes(StandardCharsets.UTF_8));
    b.writeBytes("5000,\u00fc\u00fc".getBytes(StandardCharsets.UTF_8));
    b.write(0xE1);
    b.writeBytes(",b\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> read(b.toByteArray(), TableReader.defaultMissing())).hasMessageStartingWith("data.csv:5002:8: not UTF-8: invalid byte 0xE1\n");
  }
}
