package dev.skellyjelly.storage.cli;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/** Whole-number options: read with {@code _} as a digit separator, kept {@link Within} their range. */
final class Ranges {
  private Ranges() {
  }

  static Long parseLong(String text) {
    try {
      return Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not a whole number");
    }
  }

  static Integer parseInt(String text) {
    try {
      return Integer.parseInt(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not a whole number (at most " + Integer.MAX_VALUE + ")");
    }
  }

  /** Adds "Range: min..max" to the help of every option with {@link Within}, in every subcommand. */
  static void describe(CommandSpec command) {
    for (OptionSpec option : List.copyOf(command.options())) {
      Within range = range(option);
      if (range != null && option.group() == null) {
        List<String> description = new ArrayList<>(List.of(option.description()));
        description.add("Range: " + range.min() + ".." + range.max() + ".");
        command.remove(option);
        command.addOption(OptionSpec.builder(option).description(description.toArray(String[]::new)).build());
      }
    }
    command.subcommands().values().forEach(sub -> describe(sub.getCommandSpec()));
  }

  /**
   * Fails on a value outside its option's range, naming the option, the value and the range. Runs
   * on defaults too, so a default outside its range is caught by the first test that uses it.
   */
  static void check(ParseResult parsed) {
    for (CommandLine command : parsed.asCommandLineList()) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        Within range = range(option);
        Object value = option.getValue();
        if (range != null && value instanceof Number n && (n.longValue() < range.min() || n.longValue() > range.max())) {
          throw new ParameterException(command, option.longestName() + " " + n + " is out of range "
              + range.min() + ".." + range.max(), option, String.valueOf(n));
        }
      }
    }
  }

  /** The range of {@code option}, or null when it has none. */
  static Within range(OptionSpec option) {
    return option.userObject() instanceof Field f ? f.getAnnotation(Within.class) : null;
  }
}
