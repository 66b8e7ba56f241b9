package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every pipeline in pipelines/ runs end to end on its small data, and again fully cached. */
class ShippedPipelinesIT {
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  @TempDir Path work;

  @TestFactory
  Stream<DynamicTest> everyShippedPipelineRunsAndThenIsCached() throws IOException {
    copy(ROOT.resolve("pipelines"), work.resolve("pipelines"));
    if (Files.isDirectory(ROOT.resolve("data"))) copy(ROOT.resolve("data"), work.resolve("data"));
    List<Path> pipelines;
    try (Stream<Path> s = Files.list(work.resolve("pipelines"))) {
      pipelines = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(pipelines).isNotEmpty();
    Cli cli = Cli.in(work);
    return pipelines.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      String file = "pipelines/" + p.getFileName();
      Cli.Result first = cli.run("run", file, "--json");
      assertThat(first.exit()).as(first.err()).isZero();
      Cli.Result second = cli.run("run", file, "--json");
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(Runs.statuses(second).values()).as("second run of " + file).allMatch(s -> s.equals("CACHED") || s.equals("SKIPPED"));
    }));
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }
}
