package dev.skellyjelly.storage.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * One line for a fatal error of the launcher: what failed, where (the file or address the causes
 * name) and what to do. The stack trace goes to stderr only with {@code --verbose}. File-system
 * exceptions whose message is just a path get the reason said out loud.
 */
final class FatalError {
  private FatalError() {
  }

  static String oneLine(String command, Throwable error) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = error; t != null && parts.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
      String said = describe(t);
      if (said == null || parts.stream().anyMatch(p -> p.contains(said))) {
        continue;
      }
      String raw = t.getMessage();
      if (raw != null && !raw.equals(said) && !parts.isEmpty()
          && parts.get(parts.size() - 1).endsWith(": " + raw)) {
        // The wrapper repeated the bare message (a path); say it once, with its reason.
        String last = parts.remove(parts.size() - 1);
        parts.add(last.substring(0, last.length() - raw.length() - 2));
      }
      parts.removeIf(said::contains);
      parts.add(said);
    }
    String what = parts.isEmpty() ? error.getClass().getSimpleName() : String.join(": ", parts);
    return "storage " + command + " failed: " + what.replace('\n', ' ') + advice(error)
        + " (--verbose prints the stack trace)";
  }

  private static String describe(Throwable t) {
    if (t instanceof FileSystemException fs) {
      String file = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
      String reason = t instanceof AccessDeniedException ? "permission denied"
          : t instanceof NoSuchFileException ? "no such file or directory"
          : t instanceof NotDirectoryException ? "not a directory"
          : t instanceof FileAlreadyExistsException ? "already exists"
          : fs.getReason() == null ? "file system error" : fs.getReason();
      return reason + ": " + file;
    }
    String message = t.getMessage();
    return message == null || message.isBlank() ? null : message.lines().findFirst().orElse(message);
  }

  /** What to do, when the cause says more than its message. */
  private static String advice(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AccessDeniedException) {
        return "; give this user access to that path or choose another one in the config";
      }
      if (t instanceof NoSuchFileException || t instanceof NotDirectoryException) {
        return "; check the path (every parent must be a directory) in the config or options";
      }
      if (t instanceof FileSystemException) {
        return "; check that path and the free space of its file system";
      }
    }
    return "";
  }
}
