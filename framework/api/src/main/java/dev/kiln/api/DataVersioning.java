package dev.kiln.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * A data-versioning system (DVC) that knows versions of project files. Before a step reads a
 * project file, the engine asks each registered system whether it tracks the file; one that does
 * makes sure the file is present (fetching it when missing) and says which version is there. The
 * version goes into the run's lineage, the step's cache key and the trackers' dataset digests.
 * Plugins register one with {@link KilnPlugin#dataVersioning}.
 */
public interface DataVersioning {

  /** The system's name, e.g. {@code dvc}. */
  String name();

  /**
   * The version of project file {@code file} (relative to {@code projectDir}, '/'-separated) when
   * this system tracks it, after making sure it is present in the workspace; null when it does not
   * track the file (or the project does not use the system at all — which must be cheap to tell).
   *
   * @throws DataUnavailable when the file is tracked but cannot be made present or its version
   *     cannot be read (the message says what to do)
   */
  DataVersion resolve(Path projectDir, String file, Map<String, String> env);

  /**
   * The versions of {@code files} the workspace holds now, without fetching anything: for
   * {@code kiln data status}. Files the system does not track are left out.
   */
  Map<String, DataVersion> current(Path projectDir, java.util.Collection<String> files, Map<String, String> env);

  /**
   * Makes the workspace hold {@code recorded} again (for {@code kiln reproduce}): restores the
   * source's record of it and checks the data out, fetching it when needed. Returns what it did,
   * in a sentence for the user (or null when the workspace already held it).
   *
   * @throws DataUnavailable when it cannot (the message says why and what to do)
   */
  String restore(Path projectDir, DataVersion recorded, Map<String, String> env);

  /**
   * A version of a tracked file.
   *
   * @param system the system's name ({@code dvc})
   * @param path the project file ('/'-separated, relative to the project directory)
   * @param hash the system's content hash with its algorithm, e.g. {@code md5:3f2a...}
   * @param size the size the system recorded, or -1
   * @param source the file that records the version, e.g. {@code data/churn.csv.dvc} or {@code dvc.lock}
   * @param descriptor the source's record of this file as it was (for {@code kiln reproduce}), or null
   * @param modified true when the workspace copy differs from the tracked version (it has not
   *     been committed to the system): then {@code hash} is the tracked version, not what was read
   */
  record DataVersion(String system, String path, String hash, long size, String source, String descriptor, boolean modified) {
    /** How lineage and cache keys name it: {@code dvc:md5:...} (with {@code +modified} when modified). */
    public String label() {
      return system + ":" + hash + (modified ? "+modified" : "");
    }
  }

  /** A tracked file that cannot be made present or read; the run fails with this message. */
  class DataUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataUnavailable(String message) {
      super(message);
    }
  }
}
