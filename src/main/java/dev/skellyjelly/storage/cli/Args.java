package dev.skellyjelly.storage.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the form {@code --name value} or {@code --flag}, plus positional
 * arguments. Unknown options and bad values are usage errors with a message, not stack traces.
 */
final class Args {

  /** A mistake on the command line; the launcher prints it with the command's usage. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, String> options = new HashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final List<String> positional = new ArrayList<>();
  private final Set<String> used = new HashSet<>();

  Args(List<String> argv, Set<String> flagNames) {
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.startsWith("--")) {
        String name = a.substring(2);
        int eq = name.indexOf('=');
        if (eq >= 0) {
          options.put(name.substring(0, eq), name.substring(eq + 1));
        } else if (flagNames.contains(name)) {
          flags.add(name);
        } else if (i + 1 < argv.size()) {
          options.put(name, argv.get(++i));
        } else {
          throw new UsageException("option --" + name + " needs a value");
        }
      } else {
        positional.add(a);
      }
    }
  }

  boolean flag(String name) {
    used.add(name);
    return flags.contains(name);
  }

  String string(String name, String defaultValue) {
    used.add(name);
    return options.getOrDefault(name, defaultValue);
  }

  Path path(String name, String defaultValue) {
    String v = string(name, defaultValue);
    return v == null ? null : Path.of(v);
  }

  long number(String name, long defaultValue, long min, long max) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n < min || n > max) {
        throw new UsageException("--" + name + " " + v + " is out of range " + min + ".." + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " " + v + " is not a whole number");
    }
  }

  List<String> positional() {
    return positional;
  }

  /** Fails on options nobody asked for: usually a typo. Call after reading all options. */
  void rejectUnknown() {
    for (String name : options.keySet()) {
      if (!used.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
    }
    for (String name : flags) {
      if (!used.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
    }
  }
}
