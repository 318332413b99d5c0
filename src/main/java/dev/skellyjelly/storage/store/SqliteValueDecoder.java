package dev.skellyjelly.storage.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How the Vert.x JDBC client reads values from the SQLite read pool (registered as its
 * {@code JDBCDecoder} service). SQLite types values, not columns, and sqlite-jdbc's
 * {@code getObject} already answers in Java types (Integer, Long, Double, String, byte[]): the
 * client's default decoder looks up a column descriptor and loads a vendor type class for every
 * cell, which made a day of minute aggregates (1,440 rows) 10–20× slower than plain JDBC.
 */
public final class SqliteValueDecoder extends JDBCDecoderImpl {

  @Override
  public Object parse(ResultSet rs, int column, JDBCColumnDescriptorProvider descriptors) throws SQLException {
    Object value = rs.getObject(column);
    return value instanceof byte[] bytes ? Buffer.buffer(bytes) : value;
  }
}
