package dev.skellyjelly.storage.cli;

import dev.skellyjelly.storage.config.ConfigException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The launcher's entry point: {@code storage <command> [options]}, {@code --help} for each. */
public final class Main {

  /** Options that take no value, across all commands. */
  static final Set<String> FLAGS = Set.of("help", "from-postgres", "cluster", "durable", "gzip", "lz4", "keep", "reencrypt",
      "encrypted", "encrypt", "verbose");

  private Main() {
  }

  private static Map<String, Command> commands() {
    List<Command> all = new java.util.ArrayList<>();
    all.add(new RunCommand());
    all.add(new DemoCommand());
    all.add(new BenchCommand());
    all.add(new BenchScreenshotsCommand());
    all.add(new CaptureCommand());
    all.add(new AnalysisTapCommand());
    all.addAll(StoreCommands.all());
    all.add(new ReplicationStatusCommand());
    all.add(new BenchReplicationCommand());
    all.add(new BenchStoreCommand());
    all.add(new BenchLiveCommand());
    all.add(new RotateKeyCommand());
    all.add(new MaskScreenshotCommand());
    all.add(new BenchPiiCommand());
    Map<String, Command> commands = new LinkedHashMap<>();
    for (Command c : all) {
      commands.put(c.name(), c);
    }
    return commands;
  }

  public static void main(String[] argv) {
    StopSignals.install();
    System.exit(run(argv));
  }

  static int run(String[] argv) {
    Map<String, Command> commands = commands();
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
      System.out.println(overview(commands));
      return argv.length == 0 ? 2 : 0;
    }
    Command command = commands.get(argv[0]);
    if (command == null) {
      System.err.println("unknown command '" + argv[0] + "'\n\n" + overview(commands));
      return 2;
    }
    List<String> rest = Arrays.asList(argv).subList(1, argv.length);
    boolean verbose = rest.contains("--verbose");
    try {
      Args args = new Args(rest, FLAGS);
      args.flag("verbose");
      if (args.flag("help")) {
        System.out.println(command.help());
        return 0;
      }
      return command.run(args);
    } catch (Args.UsageException e) {
      System.err.println("storage " + command.name() + ": " + e.getMessage() + "\n\n" + command.help());
      return 2;
    } catch (ConfigException e) {
      System.err.println("storage " + command.name() + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof ConfigException)) {
        cause = cause.getCause();
      }
      if (cause instanceof ConfigException ce) {
        System.err.println("storage " + command.name() + ": " + ce.getMessage());
        return 2;
      }
      System.err.println(FatalError.oneLine(command.name(), e));
      if (verbose) {
        e.printStackTrace();
      }
      return 1;
    }
  }

  private static String overview(Map<String, Command> commands) {
    StringBuilder sb = new StringBuilder("usage: launcher/storage <command> [options]\n\ncommands:\n");
    commands.values().forEach(c -> sb.append(String.format("  %-18s %s%n", c.name(), c.summary())));
    sb.append("\n'launcher/storage <command> --help' describes a command's options;"
        + " --verbose adds the stack trace to a fatal error.");
    return sb.toString();
  }
}
