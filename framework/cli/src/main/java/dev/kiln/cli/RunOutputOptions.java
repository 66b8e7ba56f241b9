package dev.kiln.cli;

import picocli.CommandLine.Option;

/** Options that {@code run} and {@code resume} share. */
final class RunOutputOptions {
  @Option(names = "--parallelism", paramLabel = "N", description = "Step instances run at once (default: cores).")
  Integer parallelism;

  @Option(names = "--json", description = "Print the run as JSON on stdout (progress stays on stderr).")
  boolean json;
}
