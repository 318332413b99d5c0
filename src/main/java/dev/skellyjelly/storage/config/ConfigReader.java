package dev.skellyjelly.storage.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads typed values out of one TOML table, collecting every problem instead of stopping at the
 * first, so a user fixes a bad file in one go. Values may be TOML numbers/booleans or strings
 * (overrides from system properties and the environment arrive as strings).
 */
final class ConfigReader {
  private final String section;
  private final JsonObject table;
  private final List<String> problems;
  private final Set<String> known = new LinkedHashSet<>();

  ConfigReader(String section, JsonObject table, List<String> problems) {
    this.section = section;
    this.table = table == null ? new JsonObject() : table;
    this.problems = problems;
  }

  private String key(String name) {
    return section + "." + name;
  }

  private Object raw(String name) {
    known.add(name);
    return table.getValue(name);
  }

  private void problem(String name, Object value, String allowed) {
    problems.add(key(name) + " = " + render(value) + " is not allowed: " + allowed);
  }

  private static String render(Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }

  long integer(String name, long defaultValue, long min, long max) {
    Object v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    Long parsed = null;
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      parsed = n.longValue();
    } else if (v instanceof String s) {
      try {
        parsed = Long.parseLong(s.trim());
      } catch (NumberFormatException ignored) {
        parsed = null; // reported below with the allowed range
      }
    }
    if (parsed == null || parsed < min || parsed > max) {
      problem(name, v, "must be a whole number from " + min + " to " + max);
      return defaultValue;
    }
    return parsed;
  }

  double number(String name, double defaultValue, double minExclusive, double max) {
    Object v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    Double parsed = null;
    if (v instanceof Number n) {
      parsed = n.doubleValue();
    } else if (v instanceof String s) {
      try {
        parsed = Double.parseDouble(s.trim());
      } catch (NumberFormatException ignored) {
        parsed = null; // reported below with the allowed range
      }
    }
    if (parsed == null || parsed.isNaN() || parsed <= minExclusive || parsed > max) {
      problem(name, v, "must be a number above " + trim(minExclusive) + " and at most " + trim(max));
      return defaultValue;
    }
    return parsed;
  }

  Duration seconds(String name, double defaultSeconds, double minExclusive, double max) {
    double s = number(name, defaultSeconds, minExclusive, max);
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  boolean bool(String name, boolean defaultValue) {
    Object v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    problem(name, v, "must be true or false");
    return defaultValue;
  }

  String text(String name, String defaultValue) {
    Object v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      problem(name, v, "must be a non-empty string");
      return defaultValue;
    }
    return s;
  }

  /** A string that may be absent or empty (then {@code ""}). */
  String optionalText(String name) {
    Object v = raw(name);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String s)) {
      problem(name, v, "must be a string");
      return "";
    }
    return s;
  }

  /** A path that may be absent or empty (then {@code null}). */
  Path optionalPath(String name) {
    String v = optionalText(name);
    return v.isEmpty() ? null : path(name, v);
  }

  String choice(String name, String defaultValue, String... allowed) {
    String v = text(name, defaultValue);
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    problem(name, v, "must be one of " + String.join(", ", allowed));
    return defaultValue;
  }

  /** A path; a leading {@code ~/} means the user's home directory. */
  Path path(String name, String defaultValue) {
    String v = text(name, defaultValue);
    if (v.equals("~") || v.startsWith("~/")) {
      v = System.getProperty("user.home") + v.substring(1);
    }
    try {
      return Path.of(v).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      problem(name, v, "must be a valid file system path (" + e.getMessage() + ")");
      return Path.of(defaultValue.replace("~", System.getProperty("user.home")));
    }
  }

  /**
   * A list of case-insensitive Java regular expressions (a single string is a list of one, as
   * overrides from the environment arrive); each bad one is reported with its index and why.
   */
  List<Pattern> patterns(String name) {
    Object v = raw(name);
    if (v == null) {
      return List.of();
    }
    List<Object> items = v instanceof JsonArray array ? array.getList() : List.of(v);
    List<Pattern> compiled = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      String at = name + "[" + i + "]";
      if (!(item instanceof String s) || s.isEmpty()) {
        problem(at, item, "must be a non-empty string holding a Java regular expression");
        continue;
      }
      try {
        compiled.add(Pattern.compile(s, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
      } catch (PatternSyntaxException e) {
        problem(at, s, "must be a valid Java regular expression (" + e.getDescription()
            + " near index " + e.getIndex() + "); fix or remove it");
      }
    }
    return List.copyOf(compiled);
  }

  /** Reports keys in the table that nothing read: usually a typo the user wants to hear about. */
  void rejectUnknownKeys() {
    List<String> unknown = new ArrayList<>();
    for (String k : table.fieldNames()) {
      if (!known.contains(k)) {
        unknown.add(k);
      }
    }
    for (String k : unknown) {
      problems.add(key(k) + " is not a known key; known keys in [" + section + "]: "
          + String.join(", ", known));
    }
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%s", d);
  }
}
