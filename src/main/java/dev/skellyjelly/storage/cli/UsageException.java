package dev.skellyjelly.storage.cli;

/**
 * A mistake in what the user asked for, found while a command runs (a {@code --dir} that holds
 * someone's data, a clustered command without {@code --cluster}): exit 2 and one line, like a
 * parse error.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
