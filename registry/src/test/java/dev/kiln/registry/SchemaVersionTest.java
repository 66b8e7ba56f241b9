package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The cheap schema check that lets a current store open without Flyway. */
class SchemaVersionTest {
  private static final List<String> KILN = List.of(JdbcRunStore.MIGRATIONS);

  @Test
  void latestMigrationIsTheNewestFileUnderDbMigration() throws IOException, URISyntaxException {
    Path dir = Path.of(JdbcRunStore.class.getResource("/db/migration").toURI());
    Pattern v = Pattern.compile("V(\\d+)__.*\\.sql");
    int newest = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Matcher m = v.matcher(f.getFileName().toString());
        if (m.matches()) newest = Math.max(newest, Integer.parseInt(m.group(1)));
      }
    }
    assertThat(JdbcRunStore.LATEST_MIGRATION).as("bump LATEST_MIGRATION with a new migration").isEqualTo(newest);
  }

  @Test
  void aStoreMigratedByFlywayIsCurrentAndOneMissingOrFailedMigrationIsNot() throws SQLException {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:schema-version-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    assertThat(JdbcRunStore.current(ds, KILN)).as("no history table yet").isFalse();
    Flyway.configure(JdbcRunStore.class.getClassLoader()).dataSource(ds).locations(JdbcRunStore.MIGRATIONS).loggers("slf4j").load().migrate();
    assertThat(JdbcRunStore.current(ds, KILN)).isTrue();
    assertThat(JdbcRunStore.current(ds, List.of(JdbcRunStore.MIGRATIONS, "classpath:db/testmigration"))).as("other locations: Flyway decides").isFalse();
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '" + JdbcRunStore.LATEST_MIGRATION + "'");
      assertThat(JdbcRunStore.current(ds, KILN)).as("a failed migration").isFalse();
      st.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '" + JdbcRunStore.LATEST_MIGRATION + "'");
      assertThat(JdbcRunStore.current(ds, KILN)).as("the newest migration not applied").isFalse();
    }
  }

  @Test
  void aCurrentStoreOpensAgainWithItsData(@org.junit.jupiter.api.io.TempDir Path home) {
    try (JdbcRunStore s = JdbcRunStore.h2(home)) {
      s.createRun(RunRecord.pending("r1", "p", "p.yaml", "name: p", "0".repeat(64), "{}", 1000));
    }
    try (JdbcRunStore s = JdbcRunStore.h2(home)) {
      assertThat(s.findRun("r1")).isPresent();
    }
  }
}
