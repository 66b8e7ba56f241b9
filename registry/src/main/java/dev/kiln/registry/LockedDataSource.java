package dev.kiln.registry;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opens each physical connection to the shared embedded store under the {@link StoreLock}: the
 * process that opens first starts serving the store, and processes that take over from one that
 * exited do so one at a time instead of racing for H2's lock file.
 */
final class LockedDataSource implements DataSource {
  private final DataSource target;
  private final Path dir;

  LockedDataSource(DataSource target, Path dir) {
    this.target = target;
    this.dir = dir;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try (StoreLock lock = StoreLock.acquire(dir, StoreLock.CONNECT)) {
      return target.getConnection();
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    try (StoreLock lock = StoreLock.acquire(dir, StoreLock.CONNECT)) {
      return target.getConnection(username, password);
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) return iface.cast(this);
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || target.isWrapperFor(iface);
  }
}
