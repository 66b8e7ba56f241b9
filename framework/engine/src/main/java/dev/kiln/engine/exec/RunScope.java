package dev.kiln.engine.exec;

import dev.kiln.api.Artifact;
import dev.kiln.api.Executor;
import dev.kiln.api.ModelRegistryMirror;
import dev.kiln.api.ModelRuntime;
import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.engine.resolve.SecretMask;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.registry.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every step instance of one run shares: the stores, the options, the listener, the secrets
 * resolved so far, the executor units run on, and whether the run was asked to stop.
 */
final class RunScope {
  final String runId;
  final RunStore store;
  final ArtifactStore artifacts;
  final StepRegistry registry;
  final Path home;
  final RunOptions options;
  final RunListener listener;
  final SecretMask secrets;
  final CacheKeys cacheKeys;
  final InputFiles inputFiles;
  final List<ModelRegistryMirror> mirrors;
  final List<ModelRuntime> modelRuntimes;
  final Executor executor;
  final AtomicBoolean cancelled;
  /** Attempts running now, so that cancelling the run interrupts them. */
  final Set<java.util.concurrent.Future<?>> running;
  /** Instances that failed on bad input (params that do not bind, InvalidInput): exit 2, not 1. */
  final Set<String> invalidInput = ConcurrentHashMap.newKeySet();
  final StepRecords records;

  RunScope(String runId, RunStore store, ArtifactStore artifacts, StepRegistry registry, Path home, RunOptions options, RunListener listener,
      SecretMask secrets, InputFiles inputFiles, List<ModelRegistryMirror> mirrors, List<ModelRuntime> modelRuntimes, Executor executor, AtomicBoolean cancelled, Set<java.util.concurrent.Future<?>> running) {
    this.runId = runId;
    this.store = store;
    this.artifacts = artifacts;
    this.registry = registry;
    this.home = home;
    this.options = options;
    this.listener = listener;
    this.secrets = secrets;
    this.cacheKeys = new CacheKeys(secrets);
    this.inputFiles = inputFiles;
    this.mirrors = mirrors;
    this.modelRuntimes = modelRuntimes;
    this.executor = executor;
    this.cancelled = cancelled;
    this.running = running;
    this.records = new StepRecords(this);
  }

  /** {@code s} with every secret value this run resolved replaced by {@code ***}. */
  String mask(String s) {
    return secrets.mask(s);
  }

  Path pathOrFail(Artifact a) {
    try {
      return artifacts.path(a);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
