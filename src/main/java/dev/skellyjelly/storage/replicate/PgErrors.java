package dev.skellyjelly.storage.replicate;

import dev.skellyjelly.storage.config.StorageConfig;
import io.vertx.pgclient.PgException;

/**
 * Turns a PostgreSQL failure into one line an operator can act on: the {@code [postgres]} key to
 * check and the server's own answer.
 */
public final class PgErrors {

  private PgErrors() {
  }

  public static String describe(Throwable err, StorageConfig.Postgres pg) {
    Throwable root = err;
    while (!(root instanceof PgException) && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String where = pg.user() + "@" + pg.host() + ":" + pg.port() + "/" + pg.database();
    if (root instanceof PgException e) {
      String state = String.valueOf(e.getSqlState());
      String answer = "the server answered: " + e.getErrorMessage() + " (SQLSTATE " + state + ")";
      return switch (state) {
        case "28P01" -> "postgres.password" + (pg.passwordFile() != null ? "_file" : "") + ": " + answer
            + "; set the password of user '" + pg.user() + "'";
        case "28000" -> "postgres.user = \"" + pg.user() + "\": " + answer + "; check the user and pg_hba.conf";
        case "3D000" -> "postgres.database = \"" + pg.database() + "\": " + answer + "; create it or name an existing one";
        case "53100" -> "PostgreSQL at " + where + " is out of disk: " + answer + "; free space on the server";
        default -> "PostgreSQL at " + where + ": " + answer;
      };
    }
    String message = String.valueOf(err.getMessage());
    if (root instanceof java.net.UnknownHostException || message.contains("UnknownHost")
        || message.contains("Failed to resolve")) {
      return "postgres.host = \"" + pg.host() + "\": the name does not resolve (" + message + ")";
    }
    if (root instanceof java.net.ConnectException || message.contains("Connection refused")) {
      return "postgres.host / postgres.port = " + pg.host() + ":" + pg.port() + ": nothing accepts"
          + " connections there (" + message + "); start PostgreSQL or fix the address";
    }
    if (err instanceof PgSchema.NewerSchemaException) {
      return message;
    }
    return "PostgreSQL at " + where + ": " + message;
  }

  /** Whether retrying cannot help (a schema from a newer build): replication stops. */
  public static boolean permanent(Throwable err) {
    return err instanceof PgSchema.NewerSchemaException;
  }
}
