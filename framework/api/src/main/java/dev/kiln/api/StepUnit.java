package dev.kiln.api;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One resolved step instance, ready to run anywhere: what an {@link Executor} receives. It holds
 * no expression and no reference to the driver's memory, so an executor may run it in another JVM
 * on another machine: artifacts are named by content hash and fetched from the artifact store both
 * sides reach; the result's artifacts go back into that store.
 *
 * <p>The driver (the Kiln process) keeps what needs the run store: it decides what is ready,
 * resolves expressions, binds and checks params, imports input files, looks up the cache and
 * records every state. A unit's result is recorded by the driver.
 *
 * @param runId the run the unit belongs to
 * @param pipeline the pipeline's name
 * @param stepKey the instance's key in the run store ({@code train}, {@code train[0]}, {@code
 *     tune/trial-00001}, {@code prepare/ingest})
 * @param stepId the step it is an instance of
 * @param uses the step type's name
 * @param typeVersion the step type's version; an executor must run this version or refuse
 * @param attempt 1 for the first attempt
 * @param with the resolved {@code with:} block as plain values (String, Number, Boolean, List, Map,
 *     {@link Artifact}); input files appear as the paths written in the pipeline. A value the
 *     step needs is here as the step needs it, a secret's included: an executor must be trusted
 *     as the driver is, and must not log or store a unit
 * @param inputFiles project files the step reads, as imported into the artifact store: path as
 *     written -> artifact. An executor binds a path in {@code with} to this artifact instead of
 *     reading the driver's disk.
 * @param env the variables the step declares ({@code env:}); values that hold a secret are masked
 *     here: an executor in another process provides secrets from its own environment
 * @param seed the instance's seed ({@link StepContext#seed()})
 * @param timeout the attempt's time limit, or null
 */
public record StepUnit(
    String runId,
    String pipeline,
    String stepKey,
    String stepId,
    String uses,
    String typeVersion,
    int attempt,
    Map<String, Object> with,
    Map<String, Artifact> inputFiles,
    Map<String, String> env,
    long seed,
    Duration timeout)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public StepUnit {
    with = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(with));
    inputFiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputFiles));
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }
}
