package dev.kiln.engine.artifact;

import dev.kiln.api.Artifact;
import dev.kiln.api.AtomicFiles;
import dev.kiln.api.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content-addressed files under {@code <root>/<sha256>}. A file appears under its final name only
 * after its content is complete and synced (temp file, fsync, atomic rename), so a crash at any
 * instant leaves either nothing or a complete artifact; content is verified against its name
 * before it is handed out.
 */
public final class ArtifactStore {
  private final Path root;
  private final Path tmp;
  private final Set<String> verified = ConcurrentHashMap.newKeySet();

  public ArtifactStore(Path root) {
    this.root = root;
    this.tmp = root.resolve(".tmp");
  }

  public Path root() {
    return root;
  }

  /** Copies {@code file} into the store and returns it as an artifact. */
  public Artifact put(Path file, String mediaType) throws IOException {
    Files.createDirectories(tmp);
    Path t = Files.createTempFile(tmp, "put-", ".part");
    try {
      MessageDigest md = Sha256.digest();
      long size;
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), md);
          FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        size = in.transferTo(out);
        out.flush();
        ch.force(true);
      }
      String sha = Sha256.hex(md);
      Path target = root.resolve(sha);
      if (Files.exists(target) && verify(sha, target)) {
        Files.delete(t);
      } else {
        move(t, target);
        AtomicFiles.syncDir(root);
      }
      verified.add(sha);
      return new Artifact(sha, size, mediaType, file.getFileName().toString());
    } finally {
      Files.deleteIfExists(t);
    }
  }

  /** Whether content with this hash is in the store (not verified: {@link #path} verifies on read). */
  public boolean contains(String sha256) {
    return Files.isRegularFile(root.resolve(sha256));
  }

  /** The stored content with this hash as an artifact (not verified: {@link #path} verifies on read). */
  public java.util.Optional<Artifact> find(String sha256, String mediaType, String name) {
    Path p = root.resolve(sha256);
    try {
      return Files.isRegularFile(p) ? java.util.Optional.of(new Artifact(sha256, Files.size(p), mediaType, name)) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** Whether the artifact is present with intact content. */
  public boolean isIntact(Artifact a) {
    Path p = root.resolve(a.sha256());
    return Files.isRegularFile(p) && verify(a.sha256(), p);
  }

  /** The artifact's content, verified against its hash. */
  public Path path(Artifact a) throws IOException {
    Path p = root.resolve(a.sha256());
    if (!Files.isRegularFile(p)) {
      throw new IOException("artifact " + a.sha256() + " (" + a.name() + ") is missing from " + root + "; run again with --no-cache to rebuild it");
    }
    if (!verify(a.sha256(), p)) {
      Path aside = root.resolve(a.sha256() + ".corrupt");
      Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
      throw new IOException("artifact " + a.sha256() + " (" + a.name() + ") failed its hash check and was moved to " + aside + "; run again to rebuild it");
    }
    return p;
  }

  private boolean verify(String sha, Path p) {
    if (verified.contains(sha)) return true;
    try {
      boolean ok = sha.equals(hash(p));
      if (ok) verified.add(sha);
      return ok;
    } catch (IOException e) {
      return false;
    }
  }

  public static String hash(Path file) throws IOException {
    MessageDigest md = Sha256.digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return Sha256.hex(md);
  }

  public static String hash(byte[] bytes) {
    return Sha256.hex(bytes);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the artifact store " + to.getParent() + " must be on a file system with atomic rename", e);
    }
  }
}
