package dev.kiln.dvc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How DVC tracks one file: by its own {@code .dvc} file, or as an out of a stage in
 * {@code dvc.lock}. Read straight from those files: DVC already knows the hash, so the data is not
 * hashed again.
 *
 * @param path the file, relative to the repository ('/'-separated)
 * @param md5 DVC's hash of the content
 * @param size DVC's recorded size, or -1
 * @param source the {@code .dvc} file or {@code dvc.lock}, relative to the repository
 * @param target what to name to {@code dvc pull}/{@code checkout} (the .dvc file, or the out's path)
 * @param descriptor the source's text (a .dvc file) or the out's entry (dvc.lock), to restore it
 * @param plainMd5 the hash is the md5 of the bytes (DVC 3's {@code hash: md5}); DVC 2's legacy
 *     hash normalises line endings of text files first, so only dvc can check it
 */
record Tracked(String path, String md5, long size, String source, String target, String descriptor, boolean plainMd5) {
  static final YAMLMapper YAML = new YAMLMapper();

  /** How the repository tracks {@code file}, or null when it does not (as a single file). */
  static Tracked find(Path repo, Path file) {
    String rel = slashes(repo.relativize(file.toAbsolutePath().normalize()));
    Path dvcFile = file.resolveSibling(file.getFileName() + ".dvc");
    if (Files.isRegularFile(dvcFile)) {
      String text = read(dvcFile);
      JsonNode outs = parse(dvcFile, text).path("outs");
      for (JsonNode o : outs) {
        if (file.getFileName().toString().equals(o.path("path").asText())) {
          String source = slashes(repo.relativize(dvcFile.toAbsolutePath().normalize()));
          return new Tracked(rel, md5(o, dvcFile), o.path("size").asLong(-1), source, source, text, "md5".equals(o.path("hash").asText()));
        }
      }
    }
    Path lock = repo.resolve("dvc.lock");
    if (Files.isRegularFile(lock)) {
      String text = read(lock);
      JsonNode stages = parse(lock, text).path("stages");
      for (var it = stages.fields(); it.hasNext(); ) {
        var stage = it.next();
        for (JsonNode o : stage.getValue().path("outs")) {
          if (rel.equals(slashes(Path.of(o.path("path").asText()).normalize()))) {
            String entry = "stage: " + stage.getKey() + "\n" + text(o);
            return new Tracked(rel, md5(o, lock), o.path("size").asLong(-1), "dvc.lock", rel, entry, "md5".equals(o.path("hash").asText()));
          }
        }
      }
    }
    return null;
  }

  private static String md5(JsonNode out, Path source) {
    String md5 = out.path("md5").asText("");
    if (md5.endsWith(".dir")) throw new DvcException(source + " tracks a directory; Kiln reads single DVC-tracked files", "track the file itself (`dvc add` the file) or read a file inside with its own .dvc");
    if (!md5.matches("[0-9a-f]{32}")) throw new DvcException(source + ": the out " + out.path("path").asText() + " has no md5 hash (found \"" + md5 + "\")", "run `dvc commit` (or `dvc add` again) so DVC records its hash");
    return md5;
  }

  private static JsonNode parse(Path f, String text) {
    try {
      JsonNode n = YAML.readTree(text);
      return n == null ? YAML.createObjectNode() : n;
    } catch (IOException e) {
      throw new DvcException(f + " is not valid YAML: " + e.getMessage(), "restore it from git (`git checkout -- " + f.getFileName() + "`)");
    }
  }

  private static String text(JsonNode n) {
    try {
      return YAML.writeValueAsString(n).replaceFirst("^---\\s*\\n", "");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DvcException("cannot read " + f + ": " + e.getMessage(), null);
    }
  }

  static String slashes(Path p) {
    return p.toString().replace('\\', '/');
  }
}
