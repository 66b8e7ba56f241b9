package dev.kiln.engine.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.diag.Problems;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parser follows YAML 1.1, where yes/no and on/off are booleans: each must read as the boolean it says. */
class YamlBooleansTest {
  @Test
  void yesAndOnAreTrueNoAndOffAreFalse() throws Exception {
    String yaml = "a: yes\nb: Yes\nc: on\nd: true\ne: no\nf: Off\ng: false\nh: 'yes'\n";
    MapNode m = (MapNode) new YamlReader().read(yaml.getBytes(StandardCharsets.UTF_8), "t.yaml", new Problems()).orElseThrow();
    assertThat(((ScalarNode) m.get("a")).value()).isEqualTo(true);
    assertThat(((ScalarNode) m.get("b")).value()).isEqualTo(true);
    assertThat(((ScalarNode) m.get("c")).value()).isEqualTo(true);
    assertThat(((ScalarNode) m.get("d")).value()).isEqualTo(true);
    assertThat(((ScalarNode) m.get("e")).value()).isEqualTo(false);
    assertThat(((ScalarNode) m.get("f")).value()).isEqualTo(false);
    assertThat(((ScalarNode) m.get("g")).value()).isEqualTo(false);
    assertThat(((ScalarNode) m.get("h")).value()).isEqualTo("yes");
  }
}
