package dev.kiln.engine.models;

import dev.kiln.api.Artifact;
import dev.kiln.api.ModelRegistryMirror;
import dev.kiln.api.Models;
import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.DataVersionRecord;
import dev.kiln.registry.LineageEdge;
import dev.kiln.registry.ModelRegistry;
import dev.kiln.registry.ModelVersion;
import dev.kiln.registry.RunStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The registry as one step instance of a run sees it: registrations carry the run, the step, the
 * data versions the run read, the git commit and who ran it; new versions are mirrored to the
 * trackers' registries (MLflow) when configured — a mirror that fails is reported in the step log
 * and does not undo the registration (Kiln's registry is the source of truth).
 */
public final class EngineModels implements Models {
  private final RunStore store;
  private final ArtifactStore artifacts;
  private final String runId;
  private final String stepKey;
  private final String pipeline;
  private final Path projectDir;
  private final Map<String, String> env;
  private final List<ModelRegistryMirror> mirrors;
  private final Consumer<String> log;

  public EngineModels(RunStore store, ArtifactStore artifacts, String runId, String stepKey, String pipeline, Path projectDir, Map<String, String> env,
      List<ModelRegistryMirror> mirrors, Consumer<String> log) {
    this.store = store;
    this.artifacts = artifacts;
    this.runId = runId;
    this.stepKey = stepKey;
    this.pipeline = pipeline;
    this.projectDir = projectDir;
    this.env = env;
    this.mirrors = mirrors;
    this.log = log;
  }

  private ModelRegistry registry() {
    return store.models();
  }

  @Override
  public Optional<Version> alias(String model, String alias) {
    return registry().byAlias(model, alias).map(this::version);
  }

  private Version version(ModelVersion v) {
    Artifact a = artifacts.find(v.artifactSha256(), v.mediaType(), v.model() + "-v" + v.version())
        .orElseThrow(() -> new IllegalStateException(v.model() + " version " + v.version() + ": its artifact " + v.artifactSha256() + " is not in the artifact store"));
    Map<String, String> data = new TreeMap<>();
    Json.read(v.dataJson()).fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    Set<String> aliases = new TreeSet<>();
    registry().aliases(v.model()).forEach((k, n) -> {
      if (n == v.version()) aliases.add(k);
    });
    return new Version(v.model(), v.version(), a, v.runId(), v.gitCommit(), data, aliases);
  }

  @Override
  public Version register(String model, Artifact bundle, dev.kiln.api.ModelCard card, String description) {
    Map<String, String> data = new TreeMap<>();
    for (DataVersionRecord d : store.dataVersions(runId)) data.put(d.path(), d.system() + ":" + d.hash() + (d.modified() ? "+modified" : ""));
    Map<String, Double> metrics = card.metrics();
    String commit = Provenance.gitCommit(projectDir, env);
    ModelVersion v = registry().register(new ModelRegistry.NewVersion(model, bundle.sha256(), bundle.mediaType(), runId, stepKey, pipeline, commit,
        Json.write(data), Json.write(metrics), Json.write(card.toMap()), description), Provenance.actor(env, commit), System.currentTimeMillis());
    log.accept("registered " + model + " version " + v.version() + (v.runId().equals(runId) ? "" : " (already registered by run " + v.runId() + ")")
        + (commit == null ? "" : ", commit " + commit));
    if (v.mirrorVersion() == null) mirror(store, v, mirrors, log);
    return version(v);
  }

  /**
   * Creates {@code v} in each mirror (as a version of the step that produced its artifact in its
   * run) and remembers the mirror's number; a failure is said through {@code log}. Returns the
   * mirror's version number, or null.
   */
  public static String mirror(RunStore store, ModelVersion v, List<ModelRegistryMirror> mirrors, Consumer<String> log) {
    if (mirrors.isEmpty()) return null;
    LineageEdge producer = null;
    for (LineageEdge e : store.lineage(v.runId())) {
      if (e.direction().equals("out") && e.sha256().equals(v.artifactSha256())) {
        producer = e;
        break;
      }
    }
    if (producer == null) {
      log.accept("warning: " + v.model() + " version " + v.version() + " not mirrored: no step of run " + v.runId() + " produced it");
      return null;
    }
    String out = null;
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("kiln.version", Integer.toString(v.version()));
    tags.put("kiln.run_id", v.runId());
    tags.put("kiln.artifact_sha256", v.artifactSha256());
    if (v.gitCommit() != null) tags.put("kiln.git_commit", v.gitCommit());
    for (ModelRegistryMirror m : mirrors) {
      try {
        String mv = m.createVersion(v.model(), v.runId(), producer.stepKey(), producer.name(), tags);
        store.models().setMirrorVersion(v.model(), v.version(), mv);
        out = mv;
        log.accept("mirrored " + v.model() + " version " + v.version() + " as MLflow version " + mv);
      } catch (RuntimeException e) {
        log.accept("warning: " + v.model() + " version " + v.version() + " not mirrored to the tracker's registry: " + (e.getMessage() == null ? e.toString() : e.getMessage())
            + " (Kiln's registry has it; `kiln promote` mirrors it again)");
      }
    }
    return out;
  }

  @Override
  public void bless(String model, Artifact candidate, boolean blessed, Map<String, Object> checks, Integer championVersion) {
    registry().bless(model, candidate.sha256(), blessed, Json.write(checks), championVersion, runId, stepKey, System.currentTimeMillis());
  }

  @Override
  public Optional<Artifact> artifact(String sha256) {
    return artifacts.find(sha256, "application/octet-stream", sha256);
  }
}
