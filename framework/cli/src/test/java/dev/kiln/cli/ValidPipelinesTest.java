package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.engine.spec.SpecLoader;
import dev.kiln.engine.spec.SpecWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ValidPipelinesTest {
  static final Path VALID = Path.of("src/test/resources/pipelines/valid");
  static final Path SHIPPED = Path.of("../../pipelines");

  static List<Path> all() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path dir : List.of(VALID, SHIPPED)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void validatesEveryShippedAndValidPipelineWithoutErrors() {
    Cli.Result r = Cli.in(Path.of("").toAbsolutePath()).run("validate", VALID.toString(), SHIPPED.toString());
    assertThat(r.err()).doesNotContain("error[");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("ok: ");
  }

  @TestFactory
  Stream<DynamicTest> roundTripsThroughYaml() throws IOException {
    return all().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      Problems p1 = new Problems();
      PipelineSpec first = new SpecLoader().load(f, f.toString(), p1).orElseThrow();
      assertThat(p1.hasErrors()).isFalse();
      String written = SpecWriter.toYaml(first);
      Problems p2 = new Problems();
      PipelineSpec second = new SpecLoader().load(written.getBytes(StandardCharsets.UTF_8), "written.yaml", p2).orElseThrow();
      assertThat(p2.sorted()).as(written).isEmpty();
      assertThat(SpecWriter.toPlain(second)).isEqualTo(SpecWriter.toPlain(first));
      assertThat(second.steps().keySet()).containsExactlyElementsOf(first.steps().keySet());
    }));
  }

  @TestFactory
  Stream<DynamicTest> kilnSchemaAcceptsEveryValidPipeline() throws IOException {
    Cli.Result r = Cli.in(Path.of("").toAbsolutePath()).run("schema");
    assertThat(r.exit()).isZero();
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(r.out());
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    return all().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      JsonNode doc = yaml.readTree(f.toFile());
      Set<ValidationMessage> errors = schema.validate(doc);
      assertThat(errors).isEmpty();
    }));
  }

  @Test
  void kilnSchemaRejectsWhatValidateRejects() throws IOException {
    Cli.Result r = Cli.in(Path.of("").toAbsolutePath()).run("schema");
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(r.out());
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (String name : List.of("e104-unknown-step-type", "e120-unknown-with-parameter", "e122-wrong-parameter-type", "e101-unknown-step-property", "e121-missing-required-parameter")) {
      JsonNode doc = yaml.readTree(InvalidPipelinesTest.CORPUS.resolve(name + ".yaml").toFile());
      assertThat(schema.validate(doc)).as(name).isNotEmpty();
    }
  }
}
