package dev.skellyjelly.storage.config;

/**
 * A configuration the module refuses to start with. The message names each key, the value found
 * and what is allowed; it is meant for the user, so callers print it without a stack trace.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
