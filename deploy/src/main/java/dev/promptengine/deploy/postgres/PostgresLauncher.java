package dev.promptengine.deploy.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts PostgreSQL on a persistent data directory and keeps running until it receives SIGTERM, when
 * zonky's shutdown hook stops the server ({@code pg_ctl stop -m fast}). The data directory is
 * initialised only on first start, so data survives restarts.
 *
 * <p>Usage: {@code PostgresLauncher --data-dir=<dir> --port=<port>}. Prints {@value #READY} once the
 * database accepts connections; {@code bin/promptengine} waits for that line.
 */
public final class PostgresLauncher {

    static final String READY = "PROMPTENGINE-POSTGRES-READY";
    static final String DATABASE = "promptengine";

    private static final Logger log = LoggerFactory.getLogger(PostgresLauncher.class);

    record Options(Path dataDirectory, int port) {

        static Options parse(String... args) {
            Path dataDirectory = null;
            int port = 5432;
            for (String arg : args) {
                if (arg.startsWith("--data-dir=")) {
                    dataDirectory = Path.of(arg.substring("--data-dir=".length()));
                } else if (arg.startsWith("--port=")) {
                    port = Integer.parseInt(arg.substring("--port=".length()));
                } else {
                    throw new IllegalArgumentException("Unknown argument " + arg);
                }
            }
            if (dataDirectory == null) {
                throw new IllegalArgumentException("--data-dir=<dir> is required");
            }
            return new Options(dataDirectory.toAbsolutePath(), port);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Files.createDirectories(options.dataDirectory());
        long started = System.nanoTime();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(options.dataDirectory())
                .setCleanDataDirectory(false)
                .setPort(options.port())
                // zonky starts with -F (fsync off) and synchronous_commit off; the local stack is a
                // real, durable server, so turn both back on
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setPGStartupWait(Duration.ofSeconds(120))
                .start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            ensureUserAndDatabase(connection);
        }
        long postmasterPid = postmasterPid(options.dataDirectory()).orElse(-1L);
        log.info(
                "PostgreSQL on 127.0.0.1:{} ready in {} ms: database {}, user {}, data in {}, postmaster pid {}",
                options.port(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                DATABASE,
                DATABASE,
                options.dataDirectory(),
                postmasterPid);
        System.out.println(READY + " port=" + options.port() + " postmaster=" + postmasterPid);
        System.out.flush();
        awaitShutdownOrServerExit(postmasterPid);
    }

    static void ensureUserAndDatabase(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            boolean userExists;
            try (var rows = statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + DATABASE + "'")) {
                userExists = rows.next();
            }
            if (!userExists) {
                statement.execute("CREATE ROLE " + DATABASE + " LOGIN PASSWORD '" + DATABASE + "'");
                log.info("Created user {}", DATABASE);
            }
            boolean databaseExists;
            try (var rows = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                databaseExists = rows.next();
            }
            if (!databaseExists) {
                statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + DATABASE);
                log.info("Created database {}", DATABASE);
            }
        }
    }

    /** The first line of {@code postmaster.pid} is the server's process id. */
    static Optional<Long> postmasterPid(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        return Files.readAllLines(pidFile).stream()
                .findFirst()
                .map(String::trim)
                .map(Long::valueOf);
    }

    /**
     * Blocks until the JVM is asked to stop; exits with status 1 if the server dies on its own, so
     * {@code bin/promptengine status} never shows a launcher without its database.
     */
    private static void awaitShutdownOrServerExit(long postmasterPid) throws InterruptedException {
        var shutdown = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::countDown, "launcher-shutdown"));
        while (!shutdown.await(5, TimeUnit.SECONDS)) {
            if (postmasterPid > 0 && ProcessHandle.of(postmasterPid).isEmpty()) {
                log.error("PostgreSQL (pid {}) exited; stopping the launcher", postmasterPid);
                System.exit(1);
            }
        }
    }

    private PostgresLauncher() {}
}
