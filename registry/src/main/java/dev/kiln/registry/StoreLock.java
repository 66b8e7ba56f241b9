package dev.kiln.registry;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises opening, creating and migrating the embedded store among processes (an OS file lock
 * on {@code KILN_HOME/store.lock}, released by the OS when a killed process dies) and among
 * threads of one process (a file lock is held per process, not per thread).
 */
final class StoreLock implements AutoCloseable {
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock lock;

  private StoreLock(ReentrantLock local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  static StoreLock acquire(Path dir) {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
    local.lock();
    FileChannel ch = null;
    try {
      ch = FileChannel.open(dir.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new StoreLock(local, ch, ch.lock());
    } catch (IOException | RuntimeException e) {
      try {
        if (ch != null) ch.close();
      } catch (IOException ignored) {
        // closing releases nothing we hold
      }
      local.unlock();
      throw new StoreException("cannot lock " + dir.resolve("store.lock") + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the OS releases the lock when the channel or the process goes
    } finally {
      local.unlock();
    }
  }
}
