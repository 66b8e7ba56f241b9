package dev.kiln.engine.exec;

import dev.kiln.engine.resolve.SecretMask;

import dev.kiln.api.Artifact;
import dev.kiln.api.DataVersioning;
import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.registry.DataVersionRecord;
import dev.kiln.registry.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The project files a run's steps read: each is imported into the artifact store, and the
 * data-versioning systems (DVC) are asked once per run which version of it the project tracks.
 * Content such a system already names and an earlier run stored is not read and hashed again; the
 * version a run read is recorded once, however many steps read the file.
 */
final class InputFiles {
  private final RunStore store;
  private final ArtifactStore artifacts;
  private final RunOptions options;
  private final RunListener listener;
  private final SecretMask secrets;
  private final List<DataVersioning> systems;
  private final Map<String, Optional<DataVersioning.DataVersion>> versions = new ConcurrentHashMap<>();
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();

  InputFiles(RunStore store, ArtifactStore artifacts, RunOptions options, RunListener listener, SecretMask secrets, List<DataVersioning> systems) {
    this.store = store;
    this.artifacts = artifacts;
    this.options = options;
    this.listener = listener;
    this.secrets = secrets;
    this.systems = List.copyOf(systems);
  }

  /** Imports a project file for {@code runId}'s step, recording the tracked version it read. */
  Artifact importFile(String runId, String file) throws IOException {
    Path p = options.projectDir().resolve(file);
    DataVersioning.DataVersion version = version(file);
    Artifact a = version == null ? null : knownContent(version, p);
    if (a == null) a = artifacts.put(p, MediaTypes.guess(p));
    if (version != null && recorded.add(version.path())) {
      store.recordDataVersion(new DataVersionRecord(runId, version.path(), version.system(), version.hash(), version.size(),
          version.source(), version.descriptor(), version.modified(), a.sha256(), System.currentTimeMillis()));
    }
    return a;
  }

  /** The version of a project file a data-versioning system tracks (made present), or null; asked once per run. */
  DataVersioning.DataVersion version(String file) {
    if (systems.isEmpty()) return null;
    String normal = options.projectDir().relativize(options.projectDir().resolve(file).normalize()).toString().replace('\\', '/');
    return versions.computeIfAbsent(normal, f -> {
      for (DataVersioning system : systems) {
        try {
          DataVersioning.DataVersion v = system.resolve(options.projectDir(), f, options.env());
          if (v != null) {
            if (v.modified()) listener.stepLog("", f + " differs from the version " + v.source() + " records (" + v.label() + "); the run reads the workspace copy. Version it with `" + system.name() + " add " + f + "`");
            else listener.stepLog("", f + ": " + v.label() + " (" + v.source() + ")");
            return Optional.of(v);
          }
        } catch (DataVersioning.DataUnavailable e) {
          throw new UncheckedIOException(new IOException(secrets.mask(e.getMessage())));
        }
      }
      return Optional.empty();
    }).orElse(null);
  }

  /**
   * The artifact of a tracked file whose content an earlier run already stored: the system's hash
   * names it, so the file is not read and hashed again; null when unknown.
   */
  private Artifact knownContent(DataVersioning.DataVersion v, Path file) throws IOException {
    if (v.modified()) return null;
    Optional<String> sha = store.sha256OfDataVersion(v.system(), v.hash());
    if (sha.isEmpty() || !artifacts.contains(sha.get())) return null;
    long size = Files.size(file);
    if (v.size() >= 0 && size != v.size()) return null;
    return new Artifact(sha.get(), size, MediaTypes.guess(file), file.getFileName().toString());
  }
}
