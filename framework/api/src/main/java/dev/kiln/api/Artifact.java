package dev.kiln.api;

import java.util.Objects;

/**
 * A file in the content-addressed artifact store. Its identity is its content: two artifacts with
 * the same sha256 are the same artifact.
 *
 * @param sha256 lowercase hex digest of the content
 * @param size size in bytes
 * @param mediaType e.g. {@code text/csv}; {@code application/octet-stream} when unknown
 * @param name the file name it was produced under (informational, not part of its identity)
 */
public record Artifact(String sha256, long size, String mediaType, String name) implements java.io.Serializable {
  public Artifact {
    Objects.requireNonNull(sha256, "sha256");
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, found " + sha256);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, found " + size);
    }
    mediaType = mediaType == null ? "application/octet-stream" : mediaType;
    name = name == null ? sha256 : name;
  }

  /** The store URI, {@code kiln-artifact:sha256:<hex>}. */
  public String uri() {
    return "kiln-artifact:sha256:" + sha256;
  }
}
