package dev.kiln.ci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.PromotionRefused;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code kiln ci promote}: each candidate of the build's {@code candidates.json} promoted, refused (not blessed) or skipped (not registered). */
public final class CiPromotion {
  private CiPromotion() {}

  /** One candidate's fate: outcome is promoted, refused or not-registered. */
  public record Decision(String model, Integer version, String pipeline, String outcome, String reason, Integer fromVersion) {}

  /** Moves an alias to a version, as {@code kiln promote} does. */
  @FunctionalInterface
  public interface Mover {
    /** Returns the version the alias pointed at before (null when it is new); the registry's refusal (e.g. not blessed) is thrown. */
    Integer move(String model, int version, String reason) throws PromotionRefused;
  }

  /** What {@code kiln ci retrain} wrote to {@code file} ({@code shown} in messages); a missing or foreign file is a {@link CiProblem}. */
  public static JsonNode readCandidates(Path file, String shown) throws IOException {
    if (!Files.exists(file)) throw new CiProblem(shown + " does not exist; run kiln ci retrain first (it writes the candidates of this build)");
    try {
      return Json.read(Files.readString(file));
    } catch (RuntimeException e) {
      throw new CiProblem(shown + " is not what kiln ci retrain writes (not JSON)");
    }
  }

  /** Promotes every registered candidate of {@code build} through {@code mover}, in the file's order. */
  public static List<Decision> decide(JsonNode build, Mover mover) {
    List<Decision> decisions = new ArrayList<>();
    for (JsonNode p : build.path("pipelines")) {
      for (JsonNode c : p.path("candidates")) {
        String model = c.path("model").asText();
        String pipeline = p.path("file").asText();
        if (!c.path("version").isInt()) {
          decisions.add(new Decision(model, null, pipeline, "not-registered", "the pipeline validates it but registers no version (add a kiln/register step)", null));
          continue;
        }
        int version = c.path("version").asInt();
        String reason = "kiln ci promote: blessed by " + c.path("step").asText() + " of " + pipeline + " (run " + p.path("runId").asText() + ")";
        try {
          Integer from = mover.move(model, version, reason);
          decisions.add(new Decision(model, version, pipeline, "promoted", reason, from));
        } catch (PromotionRefused e) {
          decisions.add(new Decision(model, version, pipeline, "refused", e.getMessage(), null));
        }
      }
    }
    return decisions;
  }
}
