package dev.kiln.ci;

import java.util.List;
import java.util.Map;

/**
 * What {@code kiln ci retrain} found in one build, as {@code candidates.json} holds it (Jackson writes
 * the components in order) and as {@link CiReport} reports it.
 */
public record Build(String commit, String branch, String origin, List<Result> pipelines) {
  /** A check of a validate step, as its report has it. */
  public record Check(String name, String status, Double value, String expected, String detail) {}

  /** A model a validate step judged in this build; {@code version} is set when a register step registered it. */
  public record Candidate(String model, Integer version, String artifactSha256, String step, boolean blessed, List<String> failed, Integer championVersion,
      List<Check> checks, Map<String, Double> metrics, Map<String, Double> championMetrics) {}

  /** One pipeline of the build. status: succeeded, failed, invalid or skipped (not affected). */
  public record Result(String file, String name, String status, String runId, long millis, String error, String tracking, List<String> reasons, List<Candidate> candidates) {}
}
