package dev.skellyjelly.storage.bus;

/**
 * A failure this module reports to its callers. The {@link ErrorCode} travels on the bus as the
 * {@code ReplyException} failure code, so a producer in another process can tell a refusal it
 * should retry ({@code BACKPRESSURE}) from one it must not ({@code INVALID_EVENT}).
 */
public class StorageException extends RuntimeException {

  private final ErrorCode code;

  public StorageException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public StorageException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  @Override
  public String getMessage() {
    return code.name() + ": " + super.getMessage();
  }
}
