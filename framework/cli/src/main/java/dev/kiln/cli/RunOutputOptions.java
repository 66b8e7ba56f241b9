package dev.kiln.cli;

import picocli.CommandLine.Option;

/** Options that {@code run} and {@code resume} share. */
final class RunOutputOptions {
  @Option(names = "--parallelism", paramLabel = "N", description = "Step instances run at once (default: cores).")
  Integer parallelism;

  @Option(names = "--json", description = "Print the run as JSON on stdout (progress stays on stderr).")
  boolean json;

  @Option(names = "--tracking-uri", paramLabel = "URI", description = "Mirror the run to this MLflow tracking server (default: $MLFLOW_TRACKING_URI; none: Kiln's store only).")
  String trackingUri;
}
