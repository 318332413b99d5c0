package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The launcher as a user meets it: the commands and options the README names exist, every command
 * has a generated --help, and a bad command line is one line on stderr naming the option, exit 2,
 * before anything runs.
 */
class LauncherUsageTest {

  @TempDir
  Path dir;

  private static Map<String, CommandSpec> commands() {
    Map<String, CommandSpec> commands = new TreeMap<>();
    new CommandLine(new Main()).getSubcommands().forEach((name, c) -> commands.put(name, c.getCommandSpec()));
    return commands;
  }

  @Test
  void everyCommandAndOptionTheReadmeNamesExists() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Map<String, CommandSpec> commands = commands();
    // Code spans and code lines that start with a command, with or without launcher/storage before it.
    Matcher span = Pattern.compile("`(?:\\./)?(?:launcher/storage )?([a-z][a-z-]+)((?:[^`])*)`").matcher(readme);
    Pattern option = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
    List<String> checked = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    while (span.find()) {
      CommandSpec command = commands.get(span.group(1));
      if (command == null) {
        continue;
      }
      Matcher o = option.matcher(span.group(2));
      while (o.find()) {
        String named = span.group(1) + " " + o.group();
        checked.add(named);
        boolean notBuiltSaysSo = readme.contains("`" + named + "` is not built yet");
        if (command.findOption(o.group()) == null && !notBuiltSaysSo) {
          missing.add(named);
        }
      }
    }
    assertEquals(List.of(), missing, "options the README names that the launcher does not have");
    for (String sample : List.of("demo --rate", "export --lz4", "stats --from-postgres", "capture --retry-seconds",
        "bench --steady-seconds", "mask-screenshot --title", "rotate-key --reencrypt", "bench-live --sessions")) {
      assertTrue(checked.contains(sample), "the README check found " + sample + " (it read " + checked.size() + ")");
    }
    int tableStart = readme.indexOf("| command | what it does |");
    assertTrue(tableStart > 0, "the README's launcher table");
    String table = readme.substring(tableStart, readme.indexOf("\n\n", tableStart));
    Matcher row = Pattern.compile("(?m)^\\| `([a-z][a-z-]+)").matcher(table);
    TreeSet<String> inTable = new TreeSet<>();
    while (row.find()) {
      inTable.add(row.group(1));
    }
    TreeSet<String> launcher = new TreeSet<>(commands.keySet());
    launcher.remove("help");
    assertEquals(launcher, inTable, "the README's launcher table lists every command");
  }

  @Test
  void everyCommandHasGeneratedHelpNamingEachOption() {
    for (var command : commands().entrySet()) {
      if (command.getKey().equals("help")) {
        continue;
      }
      LauncherRun run = LauncherRun.of(command.getKey(), "--help");
      assertEquals(0, run.exit(), command.getKey() + ": " + run.err());
      assertTrue(run.out().contains("Usage: launcher/storage " + command.getKey()), run.out());
      // A lone % in a description is a format specifier to picocli: it warns and prints %n as is.
      assertFalse(run.err().contains("Could not format"), command.getKey() + " --help: " + run.err());
      for (OptionSpec o : command.getValue().options()) {
        assertTrue(run.out().contains(o.longestName()), command.getKey() + " --help names " + o.longestName());
      }
    }
    LauncherRun top = LauncherRun.of("--help");
    assertEquals(0, top.exit());
    commands().keySet().forEach(name -> assertTrue(top.out().contains("  " + name + " "), name + " listed"));
    LauncherRun helpDemo = LauncherRun.of("help", "demo");
    assertEquals(0, helpDemo.exit());
    assertTrue(helpDemo.out().contains("--rate=N") && helpDemo.out().contains("Default: 2000")
        && helpDemo.out().contains("Range: 1..1000000"), helpDemo.out());
  }

  @Test
  void withoutACommandTheCommandsAreListedAndTheExitIs2() {
    LauncherRun run = LauncherRun.of();
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("Usage: launcher/storage") && run.err().contains("bench-screenshots"), run.err());
  }

  @Test
  void aBadCommandLineIsOneLineNamingTheOptionAndNothingRuns() {
    Path db = dir.resolve("demo/events.db");
    String[][] cases = {
        {"--rate -5 is out of range 1..1000000", "demo", "--db", db.toString(), "--rate", "-5"},
        {"--seconds 0 is out of range 1..86400", "demo", "--db", db.toString(), "--seconds", "0"},
        {"Unknown option: '--rat=5'; did you mean --rate?", "demo", "--db", db.toString(), "--rat=5"},
        {"Missing required parameter for option '--rate'", "demo", "--db", db.toString(), "--rate"},
        {"Invalid value for option '--rate': 'fast' is not a whole number", "demo", "--db", db.toString(),
            "--rate", "fast"},
        {"--events 10 is out of range 1000..50000000", "bench", "--dir", dir.resolve("b").toString(), "--events", "10"},
        {"Invalid value for option '--from': 'yesterday' is neither epoch microseconds nor an ISO-8601 instant",
            "export", "--db", db.toString(), "--from", "yesterday", "--to", "1", "--out", dir.resolve("x").toString()},
        {"Missing required option: '--from=TIME'", "export", "--db", db.toString(), "--to", "1", "--out",
            dir.resolve("x").toString()},
        {"--gzip, --lz4 are mutually exclusive", "export", "--db", db.toString(), "--from", "0", "--to", "1",
            "--out", dir.resolve("x").toString(), "--gzip", "--lz4"},
        {"Missing required parameter: 'FILE'", "restore", "--db", db.toString()},
        {"--retry-seconds -1 is out of range 0..86400", "capture", "--cluster", "--retry-seconds", "-1"},
        {"--max-queued-events 0 is out of range 1..2147483647", "capture", "--cluster", "--max-queued-events", "0"},
        {"--pii-per-screen 41 is out of range 1..40", "bench-pii", "--dir", dir.resolve("p").toString(),
            "--pii-per-screen", "41"},
    };
    for (String[] c : cases) {
      String[] argv = java.util.Arrays.copyOfRange(c, 1, c.length);
      LauncherRun run = LauncherRun.of(argv);
      String line = run.err().strip();
      assertEquals(2, run.exit(), String.join(" ", argv) + "\n" + run.err());
      assertEquals(1, line.lines().count(), line);
      assertTrue(line.startsWith("storage " + argv[0] + ": " + c[0]) && line.endsWith("(see launcher/storage "
          + argv[0] + " --help)"), line);
      assertEquals("", run.out(), "nothing printed on stdout: " + String.join(" ", argv));
    }
    assertFalse(Files.exists(db.getParent()), "no command ran");
    assertFalse(Files.exists(dir.resolve("b")) || Files.exists(dir.resolve("p")), "no benchmark ran");

    LauncherRun typo = LauncherRun.of("dmeo");
    assertEquals(2, typo.exit());
    assertTrue(typo.err().strip().startsWith("storage: unknown command 'dmeo'; did you mean demo?"), typo.err());
  }

  @Test
  void wholeNumbersMayBeWrittenWithUnderscores() {
    LauncherRun run = LauncherRun.of("bench-store", "--dir", dir.resolve("s").toString(), "--days", "1_000");
    assertEquals(2, run.exit());
    assertTrue(run.err().startsWith("storage bench-store: --days 1000 is out of range 1..365"), run.err());
  }

  @Test
  void eachBenchmarkHasAScratchDirectoryOfItsOwnName() {
    CommandLine launcher = new CommandLine(new Main());
    for (String bench : List.of("bench", "bench-live", "bench-pii", "bench-replication", "bench-screenshots",
        "bench-store")) {
      launcher.parseArgs(bench);
      Object command = launcher.getSubcommands().get(bench).getCommand();
      BenchDirectory dir = (BenchDirectory) launcher.getSubcommands().get(bench).getMixins().values().stream()
          .filter(o -> o instanceof BenchDirectory).findFirst().orElseThrow();
      assertEquals(Path.of("data", bench).toAbsolutePath(), dir.path(), command.getClass().getSimpleName());
    }
  }

  @Test
  void everyDefaultIsWithinItsRange() {
    int ranged = 0;
    for (CommandSpec command : commands().values()) {
      for (OptionSpec o : command.options()) {
        Within range = Ranges.range(o);
        if (range == null) {
          continue;
        }
        ranged++;
        String value = command.defaultValueProvider() == null ? null : defaultOf(command, o);
        value = value != null ? value : o.defaultValue();
        if (value != null) {
          long n = Ranges.parseLong(value);
          assertTrue(n >= range.min() && n <= range.max(), command.name() + " " + o.longestName() + " " + n);
        }
      }
    }
    assertTrue(ranged > 20, "options with a range: " + ranged);
  }

  private static String defaultOf(CommandSpec command, OptionSpec o) {
    try {
      return command.defaultValueProvider().defaultValue(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void captureTakesItsDefaultsFromTheClient() {
    LauncherRun help = LauncherRun.of("capture", "--help");
    assertNotNull(help.out());
    assertTrue(help.out().contains("Default: "
        + dev.skellyjelly.storage.client.StorageClientOptions.DEFAULT_MAX_QUEUED_EVENTS), help.out());
  }
}
