package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.ConfigException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What the launcher prints when a command cannot run: always one line on stderr, starting with
 * {@code storage <command>}. Bad usage and bad configuration exit 2 and say what to do; a failure
 * at run time exits 1 ({@link FatalError}), with the stack trace only under {@code --verbose}.
 */
final class LauncherErrors {
  private LauncherErrors() {
  }

  /** A command line picocli (or a command's own check) rejected: exit 2. */
  static int usage(ParameterException e, String[] argv) {
    CommandLine failed = e.getCommandLine();
    boolean root = failed.getCommandSpec().parent() == null;
    String said = e.getMessage().replaceFirst("^Error: ", "").replace('\n', ' ');
    List<String> suggestions = e instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
    if (root && e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      String typed = u.getUnmatched().get(0);
      said = "unknown command '" + typed + "'";
      suggestions = failed.getSubcommands().keySet().stream().filter(name -> distance(typed, name) <= 2).toList();
    }
    String hint = suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?";
    String help = "launcher/storage " + (root ? "" : failed.getCommandName() + " ") + "--help";
    PrintWriter err = failed.getErr();
    err.println(prefix(failed) + ": " + said + hint + " (see " + help + ")");
    err.flush();
    return CommandLine.ExitCode.USAGE;
  }

  /** An exception out of a running command: 2 for usage or configuration, else 1. */
  static int failure(Exception e, CommandLine failed, boolean verbose) {
    PrintWriter err = failed.getErr();
    ConfigException config = configIn(e);
    if (e instanceof UsageException || config != null) {
      err.println(prefix(failed) + ": " + (config != null ? config.getMessage() : e.getMessage()));
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    err.println(FatalError.oneLine(failed.getCommandName(), e));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return CommandLine.ExitCode.SOFTWARE;
  }

  private static ConfigException configIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConfigException c) {
        return c;
      }
    }
    return null;
  }

  /** Levenshtein distance: how many letters to change, add or drop to turn {@code a} into {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int change = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(change, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  /** {@code storage demo}: how the launcher's messages name the command. */
  private static String prefix(CommandLine command) {
    return command.getCommandSpec().parent() == null ? "storage" : "storage " + command.getCommandName();
  }
}
