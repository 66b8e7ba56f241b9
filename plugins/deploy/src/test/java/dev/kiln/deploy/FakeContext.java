package dev.kiln.deploy;

import dev.kiln.api.Artifact;
import dev.kiln.api.ModelCard;
import dev.kiln.api.ModelRuntime;
import dev.kiln.api.Models;
import dev.kiln.api.Sha256;
import dev.kiln.api.StepContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A step context with an artifact store in a directory and an in-memory registry. */
class FakeContext implements StepContext, Models {
  final Path dir;
  final List<ModelRuntime> runtimes;
  final List<String> log = new ArrayList<>();
  final Map<String, Artifact> store = new HashMap<>();
  final List<Version> versions = new ArrayList<>();
  final Map<String, ModelCard> cards = new LinkedHashMap<>();
  final Map<String, Integer> aliases = new HashMap<>();
  final Map<String, Map<String, Object>> verdicts = new LinkedHashMap<>();

  FakeContext(Path dir, ModelRuntime... runtimes) throws IOException {
    this.dir = dir;
    this.runtimes = List.of(runtimes);
    Files.createDirectories(dir.resolve("store"));
    Files.createDirectories(dir.resolve("scratch"));
  }

  Artifact put(String name, String content, String mediaType) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    Artifact a = storeArtifact(f, mediaType);
    return new Artifact(a.sha256(), a.size(), a.mediaType(), name);
  }

  /** Registers {@code model} and points {@code alias} at it. */
  void champion(String name, Artifact model, String alias) throws Exception {
    Version v = register(name, model, Runtimes.of(this, model, name).card(open(model), name), null);
    aliases.put(name + "@" + alias, v.version());
  }

  @Override
  public String runId() {
    return "run-1";
  }

  @Override
  public String stepId() {
    return "gate";
  }

  @Override
  public Path projectDir() {
    return dir;
  }

  @Override
  public Path scratchDir() {
    return dir.resolve("scratch");
  }

  @Override
  public Artifact storeArtifact(Path file, String mediaType) throws IOException {
    byte[] b = Files.readAllBytes(file);
    String sha = Sha256.hex(b);
    Files.write(dir.resolve("store").resolve(sha), b);
    Artifact a = new Artifact(sha, b.length, mediaType, file.getFileName().toString());
    store.put(sha, a);
    return a;
  }

  @Override
  public Path open(Artifact artifact) {
    return dir.resolve("store").resolve(artifact.sha256());
  }

  @Override
  public void metric(String name, double value, long step) {}

  @Override
  public void log(String line) {
    log.add(line);
  }

  @Override
  public Map<String, String> env() {
    return Map.of();
  }

  @Override
  public long seed() {
    return 7;
  }

  @Override
  public boolean cancelled() {
    return false;
  }

  @Override
  public Models models() {
    return this;
  }

  @Override
  public List<ModelRuntime> modelRuntimes() {
    return runtimes;
  }

  @Override
  public Optional<Version> alias(String model, String alias) {
    Integer n = aliases.get(model + "@" + alias);
    return n == null ? Optional.empty() : Optional.of(versions.get(n - 1));
  }

  @Override
  public Version register(String model, Artifact bundle, ModelCard card, String description) {
    for (Version v : versions) if (v.model().equals(model) && v.artifact().sha256().equals(bundle.sha256())) return v;
    Version v = new Version(model, versions.size() + 1, bundle, "run-0", null, Map.of(), Set.of());
    versions.add(v);
    cards.put(model + ":" + v.version(), card);
    return v;
  }

  @Override
  public void bless(String model, Artifact candidate, boolean blessed, Map<String, Object> checks, Integer championVersion) {
    verdicts.put(candidate.sha256(), checks);
  }

  @Override
  public Optional<Artifact> artifact(String sha256) {
    // as the engine's store answers: the content by its hash, the media type unknown
    return Optional.ofNullable(store.get(sha256)).map(a -> new Artifact(a.sha256(), a.size(), null, a.sha256()));
  }
}
