package dev.kiln.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  static final String AWKWARD = "a,\"b\"\nc";

  private static Space space() {
    Map<String, Object> def = new LinkedHashMap<>();
    def.put("label", Map.of("choice", List.of(AWKWARD, "two\nlines", "plain")));
    def.put("n", Map.of("int", List.of(1, 4)));
    return Space.parse(def, "space");
  }

  private static Trial trial(int number, String label, long n, double value) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("label", label);
    params.put("n", n);
    return new Trial(number, params, Trial.State.COMPLETE, value, null, 1500, false, null);
  }

  @Test
  void trialsCsvQuotesValuesWithCommasQuotesAndLineBreaksAndReadsBack() throws Exception {
    String csv = Report.csv(space(), List.of(trial(0, AWKWARD, 2, 0.5), trial(1, "two\nlines", 3, 0.25), trial(2, "plain", 4, 0.125)));
    assertThat(csv).isEqualTo("number,state,value,label,n\n"
        + "0,complete,0.5,\"a,\"\"b\"\"\nc\",2\n"
        + "1,complete,0.25,\"two\nlines\",3\n"
        + "2,complete,0.125,plain,4\n");
    try (MappingIterator<String[]> it = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).readerFor(String[].class).readValues(csv)) {
      List<String[]> rows = it.readAll();
      assertThat(rows).hasSize(4);
      assertThat(rows.get(1)).containsExactly("0", "complete", "0.5", AWKWARD, "2");
      assertThat(rows.get(2)).containsExactly("1", "complete", "0.25", "two\nlines", "3");
    }
  }

  @Test
  void theArtifactsDoNotDependOnHowLongTrialsTookOrWhetherTheyCameFromTheCache() {
    Trial fast = trial(0, "plain", 2, 0.5);
    Trial slowCached = new Trial(0, fast.params(), Trial.State.COMPLETE, 0.5, null, 98765, true, null);
    assertThat(Report.csv(space(), List.of(slowCached))).isEqualTo(Report.csv(space(), List.of(fast)));
    assertThat(Report.html("tribuo/train", "tpe", "accuracy", true, space(), List.of(slowCached), slowCached, Map.of()))
        .isEqualTo(Report.html("tribuo/train", "tpe", "accuracy", true, space(), List.of(fast), fast, Map.of()));
  }

  @Test
  void htmlReportEscapesQuotesInsideAttributes() {
    Trial best = trial(0, "plain", 2, 0.5);
    String html = Report.html("tribuo/train", "tpe", "acc\"uracy", true, space(), List.of(best), best, Map.of("x\" onerror=\"alert(1)", new byte[] {1}));
    assertThat(html).contains("<img alt=\"x&quot; onerror=&quot;alert(1)\"").contains("acc&quot;uracy").doesNotContain("onerror=\"");
  }
}
