package dev.skellyjelly.storage.store;

import io.vertx.sqlclient.Tuple;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The current row of a SQLite result set seen as a {@link Tuple}, valid until the cursor moves:
 * a typed getter reads its column straight from the row (one native call, no boxing of every
 * value up front), {@link #getValue} reads the value as SQLite types it. A statement's rows are
 * read through it without copying them first.
 */
final class CurrentRow implements Tuple {

  private final ResultSet rs;
  private final int columns;

  CurrentRow(ResultSet rs) throws SQLException {
    this.rs = rs;
    this.columns = rs.getMetaData().getColumnCount();
  }

  @Override
  public Object getValue(int pos) {
    return read(pos, rs::getObject);
  }

  @Override
  public Long getLong(int pos) {
    return read(pos, column -> {
      long v = rs.getLong(column);
      return v == 0 && rs.getObject(column) == null ? null : v; // 0 is also what SQL NULL reads as
    });
  }

  @Override
  public Integer getInteger(int pos) {
    Long v = getLong(pos);
    return v == null ? null : Math.toIntExact(v);
  }

  @Override
  public String getString(int pos) {
    return read(pos, rs::getString);
  }

  /** Reads a column of the current row (JDBC counts columns from 1, a tuple from 0). */
  private interface Getter<T> {
    T at(int column) throws SQLException;
  }

  private <T> T read(int pos, Getter<T> getter) {
    try {
      return getter.at(pos + 1);
    } catch (SQLException e) {
      throw new IllegalStateException("column " + pos + " of the current row cannot be read: " + e.getMessage(), e);
    }
  }

  @Override
  public int size() {
    return columns;
  }

  /** The row's values as they are now, to keep after the cursor moves. */
  Tuple copy() {
    Object[] values = new Object[columns];
    for (int c = 0; c < columns; c++) {
      values[c] = getValue(c);
    }
    return Tuple.wrap(values);
  }

  @Override
  public Tuple addValue(Object value) {
    throw new UnsupportedOperationException("a row read from the database is not changed");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("a row read from the database is not changed");
  }

  @Override
  public List<Class<?>> types() {
    throw new UnsupportedOperationException("SQLite types values, not columns: read each value with getValue");
  }
}
