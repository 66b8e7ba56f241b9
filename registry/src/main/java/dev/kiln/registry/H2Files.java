package dev.kiln.registry;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The embedded store's files under {@code KILN_HOME}: {@code kiln.mv.db} is the store; a store
 * being created or migrated is {@code kiln-new.mv.db} until it is complete, then it is renamed
 * over {@code kiln.mv.db}. Callers hold the {@link StoreLock}.
 */
final class H2Files {
  static final String NAME = "kiln";
  private static final String NEW = "kiln-new";
  /** H2's error code for a database file another process has open. */
  private static final int ALREADY_OPEN = 90020;

  private H2Files() {}

  static Path database(Path dir, String name) {
    return dir.resolve(name + ".mv.db");
  }

  /**
   * @param shared open in H2's automatic mixed mode, so that other processes can use the store at
   *     the same time
   */
  static String url(Path dir, String name, boolean shared) {
    // H2 refuses DB_CLOSE_ON_EXIT=FALSE with AUTO_SERVER: its shutdown hook closes the store.
    // RETENTION_TIME given explicitly (its documented default): without it a 2000-step run of
    // kiln/command steps left a 50 MB file (old chunks never reused); with it, 1.4 MB (measured).
    return "jdbc:h2:file:" + dir.resolve(name) + (shared ? ";AUTO_SERVER=TRUE" : ";DB_CLOSE_ON_EXIT=FALSE") + ";LOCK_TIMEOUT=30000;RETENTION_TIME=45000";
  }

  /** Deletes what a process killed while creating or migrating the store left behind. */
  static void removeLeftovers(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, NEW + ".*")) {
      for (Path f : files) Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new StoreException("cannot remove the unfinished store " + dir.resolve(NEW + ".mv.db") + ": " + e.getMessage(), e);
    }
  }

  /** Creates and migrates a new store, then moves it into place. */
  static void create(Path dir, List<String> locations) {
    migrateNew(dir, locations, "create the run store");
    moveIntoPlace(dir);
  }

  /**
   * Migrates an existing store to this Kiln's schema on a copy, then moves the copy into place. A
   * store that cannot be migrated is left as it is, unless it holds no runs (a store a kill left
   * half-created by an older Kiln): that one is set aside and created anew.
   */
  static void migrateCopy(Path dir, List<String> locations, List<Long> owners) {
    Path db = database(dir, NAME);
    exclusive(dir, owners);
    try {
      Files.copy(db, database(dir, NEW), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      removeLeftovers(dir);
      throw new StoreException("cannot copy " + db + " to migrate it: " + e.getMessage(), e);
    }
    try {
      migrateNew(dir, locations, "migrate the run store");
    } catch (StoreException e) {
      if (holdsRuns(dir)) {
        throw new StoreException.Damaged("the run store " + db + " cannot be migrated to this Kiln's schema: " + e.getMessage(),
            "it was left as it is; back it up, then move it away to start a new store (runs and registry entries in it are not lost)", e);
      }
      Path aside = dir.resolve(NAME + ".unusable-" + System.currentTimeMillis() + ".mv.db");
      try {
        Files.move(db, aside);
      } catch (IOException io) {
        throw new StoreException("cannot set the unusable store " + db + " aside: " + io.getMessage(), io);
      }
      System.err.println("kiln: the run store " + db + " held no runs and could not be migrated (a kill left it half-created); it was moved to " + aside.getFileName() + " and created anew");
      create(dir, locations);
      return;
    }
    moveIntoPlace(dir);
  }

  /** Fails when another process has the store open (naming the pids of live runs): a migration needs it alone. */
  private static void exclusive(Path dir, List<Long> owners) {
    JdbcDataSource ds = dataSource(dir, NAME);
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("SHUTDOWN");
    } catch (SQLException e) {
      if (e.getErrorCode() == ALREADY_OPEN) {
        String who = owners.isEmpty() ? "another Kiln process" : "another Kiln process (pid " + owners.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")";
        throw new StoreException.Damaged(who + " is using " + dir + ", and the run store must be migrated to this Kiln's schema first",
            "let the other process finish (or stop it), then run this command again", e);
      }
      throw new StoreException("cannot open the run store " + database(dir, NAME) + ": " + e.getMessage(), e);
    }
  }

  private static boolean holdsRuns(Path dir) {
    JdbcDataSource ds = dataSource(dir, NAME);
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      boolean any;
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM runs")) {
        any = rs.next() && rs.getLong(1) > 0;
      } catch (SQLException noTable) {
        any = false;
      }
      st.execute("SHUTDOWN");
      return any;
    } catch (SQLException e) {
      return true; // when in doubt, the store is kept
    }
  }

  private static void migrateNew(Path dir, List<String> locations, String what) {
    JdbcDataSource ds = dataSource(dir, NEW);
    try {
      JdbcRunStore.migrate(ds, locations);
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        st.execute("SHUTDOWN");
      }
    } catch (SQLException | RuntimeException e) {
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        st.execute("SHUTDOWN");
      } catch (SQLException ignored) {
        // already closed
      }
      removeLeftovers(dir);
      throw new StoreException("cannot " + what + " in " + dir + ": " + JdbcRunStore.rootMessage(e), e);
    }
  }

  private static JdbcDataSource dataSource(Path dir, String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url(dir, name, false));
    return ds;
  }

  /** fsync, rename over the store, fsync the directory. */
  private static void moveIntoPlace(Path dir) {
    Path from = database(dir, NEW);
    Path to = database(dir, NAME);
    try {
      try (FileChannel ch = FileChannel.open(from, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // not every file system syncs a directory
      }
      removeLeftovers(dir);
    } catch (IOException e) {
      throw new StoreException("cannot move the new run store into place at " + to + ": " + e.getMessage(), e);
    }
  }
}
