package dev.kiln.tribuo.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.ModelCard;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelBundleCardTest {
  @Test
  void aCardWrittenBeforeCardsNamedTheirFrameworkIsTribuosWithTheVersionItRecorded() {
    Map<String, Object> old = new LinkedHashMap<>();
    old.put("name", "iris");
    old.put("task", "classification");
    old.put("tribuo-version", "4.2.0");
    ModelCard card = ModelBundle.card(old);
    assertThat(card.framework()).isEqualTo(new ModelCard.Framework("tribuo", "4.2.0", ModelBundle.MEDIA_TYPE));
    assertThat(card.toMap()).as("the old key stays").containsEntry("tribuo-version", "4.2.0");
  }

  @Test
  void aCardThatNamesItsFrameworkKeepsIt() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "iris");
    m.put("framework", Map.of("name", "tribuo", "version", "4.3.2", "media-type", ModelBundle.MEDIA_TYPE));
    assertThat(ModelBundle.card(m).framework()).isEqualTo(ModelBundle.framework());
  }
}
