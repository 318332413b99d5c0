package dev.skellyjelly.storage.cli;

/** One launcher subcommand. */
interface Command {

  /** The word after {@code launcher/storage}. */
  String name();

  /** One line for the command list. */
  String summary();

  /** The full {@code --help} text: usage and every option with its default. */
  String help();

  /**
   * Runs the command.
   *
   * @return the process exit code
   */
  int run(Args args) throws Exception;
}
