package dev.kiln.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.yaml.ScalarNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a sub-pipeline's steps are rewritten when it is expanded into the including pipeline. */
class SubPipelinesTest {
  @TempDir Path dir;

  private PipelineSpec expanded(String main, String lib) throws Exception {
    Files.createDirectories(dir.resolve("lib"));
    Files.writeString(dir.resolve("main.yaml"), main);
    Files.writeString(dir.resolve("lib/inc.yaml"), lib);
    Problems problems = new Problems();
    SpecLoader loader = new SpecLoader();
    PipelineSpec spec = loader.load(dir.resolve("main.yaml"), "main.yaml", problems).orElseThrow();
    spec = new SubPipelines(loader).load(spec, dir.resolve("main.yaml"), problems);
    PipelineSpec out = new SubPipelines(loader).expand(spec, problems);
    assertThat(problems.sorted()).isEmpty();
    return out;
  }

  static final String LIB = """
      name: inc
      params:
        n: {type: int}
        mode: {type: string}
        who: {type: string}
        label: {type: string, default: "it's"}
        items: {type: list, default: [1, 2]}
      steps:
        a:
          uses: kiln/command
          if: ${{ params.n > 1 && params.mode == 'fast' && params.label != 'x' }}
          with:
            run: echo ${{ params.who }}
        b:
          uses: kiln/command
          needs: a
          with:
            run: "echo ${{ params.who }} ${{ steps.a.outputs.stdout }}"
            argv: ${{ params.items }}
      outputs:
        said: ${{ steps.b.outputs.stdout }}
      """;

  @Test
  void rewritesParamsStepIdsAndOutputsIntoTheIncludingPipelinesTerms() throws Exception {
    PipelineSpec spec = expanded("""
        name: main
        params:
          m: {type: string, default: fast}
          name: {type: string, default: ada}
        steps:
          inc:
            uses: ./lib/inc.yaml
            with: {n: 3, mode: "${{ params.m }}", who: "dear ${{ params.name }}"}
          after:
            uses: kiln/command
            if: ${{ steps.inc.outputs.said == 'yes' }}
            with:
              run: echo ${{ steps.inc.outputs.said }}
        """, LIB);
    assertThat(spec.steps().keySet()).containsExactly("inc/a", "inc/b", "after");
    assertThat(spec.includes()).isEmpty();
    StepSpec a = spec.steps().get("inc/a");
    // literals become expression literals ('it''s' quoted), a single expression is parenthesised
    assertThat(a.condition().text()).isEqualTo("${{ 3 > 1 && (params.m) == 'fast' && 'it''s' != 'x' }}");
    // a string given to a param used as text is spliced in as text
    assertThat(((ScalarNode) a.with().get("run")).text()).isEqualTo("echo dear ${{ params.name }}");
    StepSpec b = spec.steps().get("inc/b");
    assertThat(((ScalarNode) b.with().get("run")).text()).isEqualTo("echo dear ${{ params.name }} ${{ steps.inc/a.outputs.stdout }}");
    assertThat(b.needs()).extracting(StepSpec.Need::step).containsExactly("inc/a");
    // a whole-value param keeps its structure: the default list
    assertThat(b.with().get("argv")).isInstanceOf(ListNode.class);
    assertThat(Values.plain(b.with().get("argv"))).isEqualTo(List.of(1L, 2L));
    assertThat(b.origin().file()).isEqualTo("lib/inc.yaml");
    assertThat(b.origin().includedFrom()).hasSize(1);
    assertThat(b.origin().includedFrom().get(0).toString()).isEqualTo("main.yaml:7:11");
    StepSpec after = spec.steps().get("after");
    assertThat(after.origin()).isNull();
    assertThat(after.condition().text()).isEqualTo("${{ (steps.inc/b.outputs.stdout) == 'yes' }}");
    assertThat(((ScalarNode) after.with().get("run")).text()).isEqualTo("echo ${{ steps.inc/b.outputs.stdout }}");
  }

  @Test
  void aStepOfASubPipelineIsNotAChildStepButATrialInsideOneIs() {
    assertThat(record("prepare/ingest", "prepare/ingest").isChild()).isFalse();
    assertThat(record("prepare/train", "prepare/train[1]").isChild()).isFalse();
    assertThat(record("search", "search/trial-00007").isChild()).isTrue();
    assertThat(record("search", "search[2]/trial-00007").isChild()).isTrue();
    assertThat(record("prep/search", "prep/search/trial-00001").isChild()).isTrue();
  }

  private static dev.kiln.registry.StepRunRecord record(String id, String key) {
    return new dev.kiln.registry.StepRunRecord("r", key, id, "kiln/command", dev.kiln.registry.RunStatus.SUCCEEDED, 1, null, null, null, null, null, null, null);
  }

  @Test
  void aStepInsideASubPipelineCanBeReferencedAfterExpansion() throws Exception {
    PipelineSpec spec = expanded("""
        name: main
        steps:
          inc:
            uses: ./lib/inc.yaml
            with: {n: 1, mode: slow, who: bob}
        """, LIB);
    // the expanded reference parses and names a step of the flat graph
    assertThat(dev.kiln.engine.expr.Template.parse(((ScalarNode) spec.steps().get("inc/b").with().get("run")).text()).refs())
        .extracting(r -> r.path().get(1)).containsExactly("inc/a");
    assertThat(new dev.kiln.engine.plan.StepGraph(spec).dependencies("inc/b")).containsExactly("inc/a");
  }
}
