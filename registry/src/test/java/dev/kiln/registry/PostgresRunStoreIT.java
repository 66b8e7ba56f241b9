package dev.kiln.registry;

import org.junit.jupiter.api.Assumptions;

/**
 * The same contract on a real PostgreSQL server, started by {@code infra/test.sh} (which exports
 * {@code KILN_TEST_PG_URL}). With {@code CI=true} a missing server fails the suite.
 */
class PostgresRunStoreIT extends RunStoreContract {
  static String url() {
    String url = System.getenv("KILN_TEST_PG_URL");
    if (url == null || url.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("KILN_TEST_PG_URL is not set and CI=true: PostgreSQL must run for this suite (run the tests through infra/test.sh)");
      }
      Assumptions.abort("KILN_TEST_PG_URL is not set: PostgreSQL store tests skipped (run infra/test.sh to include them)");
    }
    return url;
  }

  @Override
  RunStore open() {
    return JdbcRunStore.open(url(), null, null, 8);
  }
}
