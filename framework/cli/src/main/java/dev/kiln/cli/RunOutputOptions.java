package dev.kiln.cli;

import picocli.CommandLine.Option;

/** Options that {@code run} and {@code resume} share. */
final class RunOutputOptions {
  @Option(names = "--parallelism", paramLabel = "N", description = "Step instances run at once (default: cores).")
  Integer parallelism;

  @Option(names = "--keep-scratch", description = "Keep a failed step's scratch directory (KILN_HOME/work/RUN/STEP) for inspection; by default scratch is removed when a step ends.")
  boolean keepScratch;

  @Option(names = "--json", description = "Print the run as JSON on stdout (progress stays on stderr).")
  boolean json;

  @Option(names = "--tracking-uri", paramLabel = "URI", description = "Mirror the run to this MLflow tracking server (default: $MLFLOW_TRACKING_URI; none: Kiln's store only).")
  String trackingUri;

  @Option(names = "--export", paramLabel = "STEP.OUTPUT=PATH", description = "After the run succeeds, copy an output artifact to PATH (repeatable), e.g. train.model=models/churn.model.")
  java.util.List<String> exports = new java.util.ArrayList<>();

  @Option(names = "--metrics-out", paramLabel = "FILE", description = "After the run succeeds, write each step's final metrics to FILE as JSON (for `dvc metrics`).")
  java.nio.file.Path metricsOut;
}
