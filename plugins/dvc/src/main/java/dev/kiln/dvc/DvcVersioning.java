package dev.kiln.dvc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.AtomicFiles;
import dev.kiln.api.DataVersioning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Files DVC tracks (a {@code .dvc} file beside them, or an out in {@code dvc.lock}): before a step
 * reads one, it is pulled when missing from the workspace ({@code dvc pull} of just that target),
 * and its version is DVC's md5 as the .dvc file or lock records it; {@code dvc data status} says
 * whether the workspace copy was changed without {@code dvc add}. A project that is not a DVC
 * repository costs one directory lookup per file.
 */
public final class DvcVersioning implements DataVersioning {
  @Override
  public String name() {
    return "dvc";
  }

  @Override
  public DataVersion resolve(Path projectDir, String file, Map<String, String> env) {
    Path abs = projectDir.resolve(file).toAbsolutePath().normalize();
    Path repo = Dvc.findRepo(abs);
    if (repo == null) return null;
    try {
      Tracked t = Tracked.find(repo, abs);
      if (t == null) return null;
      Dvc dvc = Dvc.at(repo, env);
      if (!Files.exists(abs)) {
        dvc.run("cannot pull " + t.path(), "pull", t.target());
        if (!Files.exists(abs)) throw new DvcException("`dvc pull " + t.target() + "` did not bring " + t.path() + " back", "run it yourself to see why");
      }
      return version(projectDir, repo, t, abs, changedSinceAdded(dvc, t, abs));
    } catch (DvcException e) {
      throw new DataUnavailable(file + ": " + e.full());
    }
  }

  @Override
  public Map<String, DataVersion> current(Path projectDir, java.util.Collection<String> files, Map<String, String> env) {
    Map<String, DataVersion> out = new java.util.LinkedHashMap<>();
    Map<Path, JsonNode> statusByRepo = new java.util.HashMap<>();
    Path project = projectDir.toAbsolutePath().normalize();
    for (String file : files) {
      Path abs = project.resolve(file).normalize();
      Path repo = Dvc.findRepo(abs);
      if (repo == null) continue;
      try {
        Tracked t = Tracked.find(repo, abs);
        if (t == null) continue;
        JsonNode status = statusByRepo.computeIfAbsent(repo, r -> Dvc.at(r, env).json("cannot read DVC's status", "data", "status", "--json"));
        out.put(file, version(project, repo, t, abs, contains(status.path("uncommitted").path("modified"), t.path())));
      } catch (DvcException e) {
        throw new DataUnavailable(file + ": " + e.full());
      }
    }
    return out;
  }

  @Override
  public String restore(Path projectDir, DataVersion recorded, Map<String, String> env) {
    Path project = projectDir.toAbsolutePath().normalize();
    Path abs = project.resolve(recorded.path()).normalize();
    Path repo = Dvc.findRepo(abs);
    if (repo == null) throw new DataUnavailable(recorded.path() + ": the run read it from a DVC repository, but " + project + " is not in one any more");
    try {
      Dvc dvc = Dvc.at(repo, env);
      Tracked now = Tracked.find(repo, abs);
      boolean present = Files.exists(abs);
      if (present && modified(dvc, now == null ? Tracked.slashes(repo.relativize(abs)) : now.path())) {
        throw new DataUnavailable(recorded.path() + " has changes not added to DVC; `dvc add " + recorded.path() + "` (or discard them with `dvc checkout --force`) before reproducing");
      }
      if (now != null && ("md5:" + now.md5()).equals(recorded.hash())) {
        if (present) return null;
        dvc.run("cannot pull " + now.path(), "pull", now.target());
        return "pulled " + recorded.path() + " (" + recorded.hash() + ")";
      }
      if (!recorded.source().endsWith(".dvc") || recorded.descriptor() == null) {
        throw new DataUnavailable(recorded.path() + " was " + recorded.hash() + " as " + recorded.source() + " recorded it, and is " + (now == null ? "no longer tracked" : "md5:" + now.md5())
            + " now; restore dvc.lock from the commit the run used (`git checkout REV -- dvc.lock && dvc checkout`) and reproduce again");
      }
      Path dvcFile = project.resolve(recorded.source()).normalize();
      writeAtomically(dvcFile, recorded.descriptor());
      Tracked target = Tracked.find(repo, abs);
      try {
        dvc.run("cannot check out " + recorded.path(), "checkout", "--quiet", target.target());
      } catch (DvcException notInCache) {
        dvc.run("cannot pull " + recorded.path(), "pull", "--quiet", target.target());
      }
      return "restored " + recorded.path() + " to " + recorded.hash() + " (" + recorded.source() + " rewritten as the run recorded it; `git checkout " + recorded.source()
          + " && dvc checkout " + recorded.source() + "` returns to the committed version)";
    } catch (DvcException e) {
      throw new DataUnavailable(recorded.path() + ": " + e.full());
    }
  }

  /** A tracked file's version, its paths relative to the project directory. */
  private static DataVersion version(Path projectDir, Path repo, Tracked t, Path file, boolean modified) {
    Path project = projectDir.toAbsolutePath().normalize();
    String source = Tracked.slashes(project.relativize(repo.resolve(t.source())));
    return new DataVersion("dvc", Tracked.slashes(project.relativize(file)), "md5:" + t.md5(), t.size(), source, t.descriptor(), modified);
  }

  private static void writeAtomically(Path target, String text) {
    try {
      AtomicFiles.replace(target, tmp -> Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new DataUnavailable("cannot write " + target + ": " + e.getMessage());
    }
  }

  private static boolean contains(JsonNode list, String path) {
    for (JsonNode m : list) {
      if (path.equals(m.asText())) return true;
    }
    return false;
  }

  /** Files up to this size are checked against DVC's md5 here; larger ones by dvc, whose state database spares a re-read. */
  static final long SELF_CHECK_BYTES = 64L << 20;

  /**
   * Whether the workspace copy differs from what DVC recorded. A different size says so at once; a
   * small file (DVC 3 hash) is md5-ed here, faster than starting dvc (~0.8 s); a large one is left
   * to {@code dvc data status}.
   */
  static boolean changedSinceAdded(Dvc dvc, Tracked t, Path file) {
    try {
      long size = Files.size(file);
      if (t.size() >= 0 && size != t.size()) return true;
      if (t.plainMd5() && size <= SELF_CHECK_BYTES) return !t.md5().equals(md5(file));
    } catch (java.io.IOException e) {
      throw new DvcException("cannot read " + file + ": " + e.getMessage(), null);
    }
    return modified(dvc, t.path());
  }

  static String md5(Path file) throws java.io.IOException {
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (java.io.InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  /** Whether {@code dvc data status} lists the file as changed in the workspace since it was added. */
  static boolean modified(Dvc dvc, String path) {
    return contains(dvc.json("cannot tell whether " + path + " changed", "data", "status", "--json").path("uncommitted").path("modified"), path);
  }
}
