package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.time.Timestamps;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A TIME option: epoch microseconds or ISO-8601, read by the same parser as the queries. */
final class TimeConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String text) {
    try {
      return Timestamps.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
