package dev.skellyjelly.storage.time;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Instants as users write them to the store's queries and tools: epoch microseconds (a number,
 * or a string of digits) or an ISO-8601 instant such as {@code 2026-11-24T10:00:00Z}. One parser,
 * so a time that works in a query also works on the command line.
 */
public final class Timestamps {

  private static final String EXAMPLE = "2026-11-24T10:00:00Z";

  private Timestamps() {
  }

  /**
   * Epoch microseconds of {@code value}, a query parameter (a JSON number or string).
   *
   * @param name how the caller's user knows the value, such as {@code parameter 'from'}: every
   *     error names it
   * @throws IllegalArgumentException naming {@code name} when the value is missing or unreadable
   */
  public static long micros(Object value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is missing: epoch microseconds or an ISO-8601 instant like "
          + EXAMPLE);
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    try {
      return parse(value.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " = " + e.getMessage(), e);
    }
  }

  /**
   * Epoch microseconds of {@code text}: digits (with an optional minus) are epoch microseconds,
   * anything else must be an ISO-8601 instant, kept to the microsecond.
   *
   * @throws IllegalArgumentException quoting {@code text} and saying what is accepted
   */
  public static long parse(String text) {
    try {
      if (text.matches("-?\\d+")) {
        return Long.parseLong(text);
      }
      return micros(Instant.parse(text));
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is neither epoch microseconds nor an ISO-8601 instant like "
          + EXAMPLE, e);
    }
  }

  /** Epoch microseconds of {@code instant}; fails beyond the range of a long (±292,000 years). */
  public static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }
}
