package dev.kiln.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2ModelRegistryTest extends ModelRegistryContract {
  @TempDir Path dir;

  @Override
  RunStore open() {
    return JdbcRunStore.h2(dir);
  }
}
