package dev.kiln.registry;

/** The registry contract on the real PostgreSQL that {@code infra/test.sh} starts. */
class PostgresModelRegistryIT extends ModelRegistryContract {
  @Override
  RunStore open() {
    return JdbcRunStore.open(PostgresRunStoreIT.url(), null, null, 24);
  }
}
