package dev.skellyjelly.storage.replicate;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway PostgreSQL for the tests: {@code initdb} into a temporary directory as the
 * {@code postgres} user (the server refuses to run as root), a free loopback port, password
 * authentication (so a wrong password is refused as a real server would), stopped and removed
 * when the test JVM exits. One server per JVM; each test takes a fresh database.
 *
 * <p>{@code SKELLY_TEST_PG_URL=postgresql://user:password@host:port/db} points the tests at an
 * existing server instead (the user must be allowed to {@code CREATE DATABASE}). When neither
 * works the tests fail with the reason: they never skip.
 */
public final class TestPostgres {

  public static final String USER = "skelly";
  public static final String PASSWORD = "test-password";
  private static final Path BIN = binaries();
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres instance;

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String adminDatabase;
  private final Path dataDir;

  private TestPostgres(String host, int port, String user, String password, String adminDatabase, Path dataDir) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.adminDatabase = adminDatabase;
    this.dataDir = dataDir;
  }

  /** {@code -Dskelly.pg.bin}, else Debian's PostgreSQL 15, else the newest version installed. */
  private static Path binaries() {
    String configured = System.getProperty("skelly.pg.bin");
    if (configured != null) {
      return Path.of(configured);
    }
    Path debian15 = Path.of("/usr/lib/postgresql/15/bin");
    if (Files.isExecutable(debian15.resolve("initdb"))) {
      return debian15;
    }
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(java.util.Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .orElse(debian15);
    } catch (IOException | RuntimeException e) {
      return debian15;
    }
  }

  /** The server of this JVM, started on first use. */
  public static synchronized TestPostgres get() {
    if (instance == null) {
      String url = System.getenv("SKELLY_TEST_PG_URL");
      instance = url != null && !url.isBlank() ? fromUrl(url) : startLocal();
    }
    return instance;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** A new, empty database on the server; returns its name. */
  public String createDatabase() {
    String name = "skelly_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    psql(adminDatabase, "CREATE DATABASE " + name);
    return name;
  }

  /** Runs SQL through psql against {@code database}; returns its unaligned output. */
  public String psql(String database, String sql) {
    List<String> cmd = new ArrayList<>(List.of(BIN.resolve("psql").toString(), "-X", "-q", "-At",
        "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String.valueOf(port), "-U", user, "-d", database,
        "-c", sql));
    return run(cmd, password);
  }

  /** Stops the local server (tests of PostgreSQL outages); {@link #start()} starts it again. */
  public void stop() {
    requireLocal();
    run(asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), null);
  }

  public void start() {
    requireLocal();
    run(asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
        dataDir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), null);
  }

  public boolean local() {
    return dataDir != null;
  }

  private void requireLocal() {
    if (dataDir == null) {
      throw new IllegalStateException("this test stops and starts PostgreSQL; it needs the local"
          + " throwaway server, not SKELLY_TEST_PG_URL");
    }
  }

  private static TestPostgres fromUrl(String url) {
    java.net.URI uri = java.net.URI.create(url);
    String[] userInfo = uri.getUserInfo() == null ? new String[] {USER, ""} : uri.getUserInfo().split(":", 2);
    String db = uri.getPath() == null || uri.getPath().length() < 2 ? "postgres" : uri.getPath().substring(1);
    return new TestPostgres(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), userInfo[0],
        userInfo.length > 1 ? userInfo[1] : "", db, null);
  }

  private static TestPostgres startLocal() {
    if (!Files.isExecutable(BIN.resolve("initdb"))) {
      throw new IllegalStateException("PostgreSQL is not installed at " + BIN + ": install it"
          + " (apt-get install -y postgresql) or set SKELLY_TEST_PG_URL to a server the tests may use");
    }
    try {
      Path dir = Files.createTempDirectory("skelly-pg-");
      Path data = dir.resolve("data");
      Path pwfile = dir.resolve("pw");
      Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()), null);
      run(asPostgres(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
          "--pwfile=" + pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"), null);
      int port = freePort();
      TestPostgres pg = new TestPostgres("127.0.0.1", port, USER, PASSWORD, "postgres", data);
      pg.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.stop();
        } catch (RuntimeException e) {
          System.err.println("stopping the test PostgreSQL failed: " + e.getMessage());
        }
        deleteTree(dir);
      }, "test-postgres-cleanup"));
      return pg;
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare a throwaway PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static List<String> asPostgres(String... command) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return List.of(command);
    }
    List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    cmd.addAll(List.of(command));
    return cmd;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Runs a command to its end. Output goes through a file, not a pipe: the server that
   * {@code pg_ctl start} leaves behind would otherwise hold the pipe open, and reading it would
   * never end.
   */
  private static String run(List<String> cmd, String pgPassword) {
    Path out = null;
    try {
      out = Files.createTempFile("skelly-pg-cmd", ".out");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (pgPassword != null) {
        pb.environment().put("PGPASSWORD", pgPassword);
      }
      Process p = pb.start();
      boolean ended = p.waitFor(120, TimeUnit.SECONDS);
      String text = Files.readString(out, StandardCharsets.UTF_8).trim();
      if (!ended || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + (ended ? " failed: " : " did not finish in 120 s: ") + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + cmd.get(0), e);
    } finally {
      if (out != null) {
        out.toFile().delete();
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("cannot remove " + dir + ": " + e.getMessage());
    }
  }
}
