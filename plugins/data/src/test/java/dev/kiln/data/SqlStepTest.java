package dev.kiln.data;

import dev.kiln.dataset.Datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.InvalidInput;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlStepTest {
  @TempDir Path dir;
  StepOutcome orders;

  @BeforeEach
  void ingestOrders() throws Exception {
    Files.writeString(dir.resolve("orders.csv"), "order_id,user_id,amount,returned\n1,10,5.5,no\n2,11,7,yes\n3,10,1.25,no\n4,12,3,no\n");
    Files.writeString(dir.resolve("users.csv"), "user_id,country\n10,NO\n11,IT\n12,NO\n");
    orders = StepHarness.of(new IngestStep(), dir.resolve("w")).projectDir(dir).run("data: orders.csv\ntarget: returned\nid: order_id").assertSucceeded();
  }

  StepOutcome sql(String with) {
    return StepHarness.of(new SqlStep(), dir.resolve("w")).projectDir(dir).run(Map.of("inputs", new java.util.TreeMap<>(Map.of("orders", orders.artifact("data"), "users", "users.csv")), "query", with));
  }

  @Test
  void joinsNamedInputsAndKeepsTheRolesOfTheColumnsItKeeps() throws Exception {
    StepOutcome out = sql("select o.order_id, u.country, o.amount, o.returned from orders o join users u using (user_id) where o.amount > 2").assertSucceeded();
    assertThat(out.value("rows")).isEqualTo(3L);
    assertThat(IngestStepTest.rows(out.open("data"))).containsExactly(List.of("1", "NO", 5.5, "no"), List.of("2", "IT", 7.0, "yes"), List.of("4", "NO", 3.0, "no"));
    try (Connection c = Datasets.connect()) {
      assertThat(Datasets.meta(c, out.open("data")).roles()).isEqualTo(new Datasets.Roles("returned", "order_id", null, List.of(), null));
    }
  }

  @Test
  void theResultIsTheSameWhateverTheOrderDuckDbProducesRowsIn() throws Exception {
    String a = sql("select user_id, sum(amount) as total from orders group by user_id").assertSucceeded().artifact("data").sha256();
    String b = sql("select user_id, sum(amount) as total from orders group by user_id order by total").assertSucceeded().artifact("data").sha256();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void aSyntaxErrorIsReportedAtTheQueryWithItsLineAndColumnInside() {
    List<ParamProblem> problems = StepHarness.of(new SqlStep(), dir).check("inputs: {orders: orders.csv}\nquery: |\n  select *\n  from orders\n  wher amount > 2\n");
    assertThat(problems).extracting(ParamProblem::format).containsExactly(
        "with.yaml:2:8: error[E123]: steps.step.with.query: SQL error at line 3, column 6 of the query: syntax error at or near \"amount\"\n"
            + "  hint: the query is DuckDB SQL: https://duckdb.org/docs/sql/introduction");
  }

  @Test
  void anUnknownColumnIsReportedWhenTheInputsAreThere() {
    StepOutcome out = sql("select order_id,\n  amout from orders");
    assertThat(out.failure()).isInstanceOf(InvalidInput.class);
    assertThat(out.failure().getMessage()).startsWith("with.query: SQL error at line 2, column 3 of the query: Binder Error: Referenced column \"amout\" not found in FROM clause!")
        .endsWith("\n  hint: inputs: orders, users");
  }
}
