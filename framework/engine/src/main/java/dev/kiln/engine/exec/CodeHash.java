package dev.kiln.engine.exec;

import dev.kiln.api.StepType;
import dev.kiln.engine.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hash of a step type's code, part of its cache key: every class file in its package and the
 * packages below it, in the jar or directory it was loaded from, so a change to any helper the
 * step uses invalidates its cache entries (not only a change to the step class itself). Computed
 * once per step type.
 */
final class CodeHash {
  private final Map<String, String> hashes = new ConcurrentHashMap<>();

  /** The hash (16 hex digits), or "unknown" when the code cannot be read. */
  String of(StepType<?> type) {
    return hashes.computeIfAbsent(type.name(), n -> compute(type.getClass()));
  }

  private static String compute(Class<?> c) {
    String prefix = c.getPackageName().replace('.', '/') + "/";
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      java.security.CodeSource src = c.getProtectionDomain().getCodeSource();
      Path loc = src == null ? null : Path.of(src.getLocation().toURI());
      TreeMap<String, byte[]> classes = new TreeMap<>();
      if (loc != null && Files.isDirectory(loc)) {
        Path root = loc.resolve(prefix);
        try (var files = Files.walk(root)) {
          for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) classes.put(loc.relativize(f).toString(), Files.readAllBytes(f));
        }
      } else if (loc != null) {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(loc.toFile())) {
          for (var e : java.util.Collections.list(jar.entries())) {
            if (e.getName().startsWith(prefix) && e.getName().endsWith(".class")) {
              try (InputStream in = jar.getInputStream(e)) {
                classes.put(e.getName(), in.readAllBytes());
              }
            }
          }
        }
      }
      if (classes.isEmpty()) {
        try (InputStream in = c.getClassLoader().getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
          return in == null ? "unknown" : ArtifactStore.hash(in.readAllBytes()).substring(0, 16);
        }
      }
      for (var e : classes.entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update(e.getValue());
      }
      return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (IOException | java.net.URISyntaxException | java.security.NoSuchAlgorithmException | RuntimeException e) {
      return "unknown";
    }
  }
}
