package dev.kiln.engine.exec;

import dev.kiln.engine.artifact.ArtifactStore;
import java.nio.charset.StandardCharsets;

/** The seed a step instance gets by default ({@code StepContext.seed()}): derived from the pipeline and the instance key, so reruns repeat it. */
public final class StepSeed {
  private StepSeed() {}

  public static long of(String pipeline, String stepKey) {
    byte[] h = (pipeline + "/" + stepKey).getBytes(StandardCharsets.UTF_8);
    return java.nio.ByteBuffer.wrap(java.util.HexFormat.of().parseHex(ArtifactStore.hash(h).substring(0, 16))).getLong();
  }
}
