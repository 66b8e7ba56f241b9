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
 * Serialises, among processes and threads, what must not race on the embedded store: creating
 * and migrating it ({@code KILN_HOME/store.lock}), and opening a connection ({@code
 * connect.lock}: the first opener starts serving the store to the others, and two processes
 * racing to take over from one that exited can otherwise keep overwriting each other's H2 lock
 * file for many seconds). An OS file lock, released by the OS when a killed process dies;
 * re-entrant within a thread.
 */
final class StoreLock implements AutoCloseable {
  private static final Map<Path, Holder> HOLDERS = new ConcurrentHashMap<>();

  /** The lock of one directory in this process; {@code depth} and the file lock are guarded by {@code local}. */
  private static final class Holder {
    final ReentrantLock local = new ReentrantLock();
    int depth;
    FileChannel channel;
    FileLock lock;
  }

  private final Holder holder;

  private StoreLock(Holder holder) {
    this.holder = holder;
  }

  static final String STORE = "store.lock";
  static final String CONNECT = "connect.lock";

  static StoreLock acquire(Path dir, String name) {
    Path file = dir.toAbsolutePath().normalize().resolve(name);
    Holder h = HOLDERS.computeIfAbsent(file, f -> new Holder());
    h.local.lock();
    if (h.depth == 0) {
      FileChannel ch = null;
      try {
        ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        h.lock = ch.lock();
        h.channel = ch;
      } catch (IOException | RuntimeException e) {
        try {
          if (ch != null) ch.close();
        } catch (IOException ignored) {
          // closing releases nothing we hold
        }
        h.local.unlock();
        throw new StoreException("cannot lock " + file + ": " + e.getMessage(), e);
      }
    }
    h.depth++;
    return new StoreLock(h);
  }

  @Override
  public void close() {
    Holder h = holder;
    try {
      if (--h.depth == 0) {
        try {
          h.lock.release();
          h.channel.close();
        } catch (IOException e) {
          // the OS releases the lock when the channel or the process goes
        }
        h.lock = null;
        h.channel = null;
      }
    } finally {
      h.local.unlock();
    }
  }
}
