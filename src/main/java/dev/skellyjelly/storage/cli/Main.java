package dev.skellyjelly.storage.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The launcher: {@code launcher/storage <command> [options]}. Each subcommand is a picocli
 * {@code @Command} class; its options carry their types, defaults and ranges ({@link Within}, checked by {@link Ranges}), and
 * {@code --help} is generated from them. Exit codes: 0 done, 1 failed at run time (one line on
 * stderr, see {@link LauncherErrors}), 2 bad usage or a bad configuration (one line naming what
 * was wrong), 130 a second SIGINT/SIGTERM ({@link StopSignals}).
 */
@Command(name = "launcher/storage",
    header = "Skelly-Jelly Storage: the storage module, its tools and its benchmarks.",
    synopsisSubcommandLabel = "<command>",
    subcommands = {
        RunCommand.class,
        DemoCommand.class,
        BenchCommand.class,
        BenchScreenshotsCommand.class,
        CaptureCommand.class,
        AnalysisTapCommand.class,
        BackupCommand.class,
        RestoreCommand.class,
        ExportCommand.class,
        DecryptExportCommand.class,
        StatsCommand.class,
        ReplicationStatusCommand.class,
        BenchReplicationCommand.class,
        BenchStoreCommand.class,
        BenchLiveCommand.class,
        RotateKeyCommand.class,
        MaskScreenshotCommand.class,
        BenchPiiCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "'launcher/storage <command> --help' describes a command's options;"
        + " --verbose adds the stack trace to a fatal error."})
public final class Main implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = HELP)
  boolean help;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "A fatal error also prints its stack trace.")
  boolean verbose;

  @Spec
  CommandSpec spec;

  public static void main(String[] argv) {
    StopSignals.install();
    System.exit(run(argv));
  }

  /** Runs one command line in this JVM, printing to the current System.out and System.err. */
  static int run(String[] argv) {
    Main root = new Main();
    CommandLine commandLine = new CommandLine(root);
    Ranges.describe(commandLine.getCommandSpec());
    layOutHelp(commandLine);
    commandLine.registerConverter(Long.class, Ranges::parseLong)
        .registerConverter(Long.TYPE, Ranges::parseLong)
        .registerConverter(Integer.class, Ranges::parseInt)
        .registerConverter(Integer.TYPE, Ranges::parseInt)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExpandAtFiles(false) // a file name starting with @ is a file name, not a list of arguments
        .setExecutionStrategy(parsed -> {
          Integer helped = CommandLine.executeHelpRequest(parsed);
          if (helped != null) {
            return helped;
          }
          Ranges.check(parsed);
          return new CommandLine.RunLast().execute(parsed);
        })
        .setParameterExceptionHandler(LauncherErrors::usage)
        .setExecutionExceptionHandler((e, failed, parsed) -> LauncherErrors.failure(e, failed, root.verbose));
    int exit = commandLine.execute(argv);
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    return exit;
  }

  private static final String HELP = "Print this help and exit.";

  /** {@code --help} on every command (but {@code help} itself, which has its own), laid out alike. */
  private static void layOutHelp(CommandLine root) {
    root.getCommandSpec().usageMessage().commandListHeading("%nCommands:%n");
    for (CommandLine command : root.getSubcommands().values()) {
      CommandSpec spec = command.getCommandSpec();
      if (!spec.helpCommand()) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description(HELP).build());
      }
      spec.usageMessage().descriptionHeading("%n").parameterListHeading("%nParameters:%n")
          .optionListHeading("%nOptions:%n");
    }
  }

  /** Without a command: the list of commands, and exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return CommandLine.ExitCode.USAGE;
  }
}
