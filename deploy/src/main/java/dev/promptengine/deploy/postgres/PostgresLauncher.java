package dev.promptengine.deploy.postgres;

import dev.promptengine.access.postgres.DatabaseRole;
import dev.promptengine.access.postgres.PostgresAccess;
import dev.promptengine.deploy.Credentials;
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
 * <p>Every connection needs a password (scram-sha-256, {@link PostgresAccess#HBA_CONF}): the
 * superuser {@code postgres} ({@code PE_DB_SUPERUSER_PASSWORD}) only provisions; cost-service and
 * analytics-service log in as their own roles ({@link DatabaseRole}, passwords in
 * {@code PE_DB_COST_PASSWORD} and {@code PE_DB_ANALYTICS_PASSWORD}), each owning only its schema.
 * On the very first start initdb's trust rule is in force until the superuser has its password
 * and the strict rules are loaded, a few hundred milliseconds on the loopback only.
 *
 * <p>Usage: {@code PostgresLauncher --data-dir=<dir> --port=<port>}, passwords from the
 * environment. Prints {@value #READY} once the database accepts connections;
 * {@code bin/promptengine} waits for that line.
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
        String superuserPassword = Credentials.required("PE_DB_SUPERUSER_PASSWORD");
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
                // zonky checks readiness as postgres; on a restart only the password lets it in
                .setConnectConfig("password", superuserPassword)
                .start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            PostgresAccess.requirePasswords(connection, options.dataDirectory(), superuserPassword);
            ensureDatabase(connection);
        }
        try (Connection connection = postgres.getDatabase("postgres", DATABASE).getConnection()) {
            for (var role : DatabaseRole.values()) {
                PostgresAccess.provision(connection, role, Credentials.required(role.passwordVariable()));
            }
        }
        long postmasterPid = postmasterPid(options.dataDirectory()).orElse(-1L);
        log.info(
                "PostgreSQL on 127.0.0.1:{} ready in {} ms: database {}, roles {} (scram-sha-256), data in {}, postmaster pid {}",
                options.port(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                DATABASE,
                java.util.Arrays.toString(DatabaseRole.values()),
                options.dataDirectory(),
                postmasterPid);
        System.out.println(READY + " port=" + options.port() + " postmaster=" + postmasterPid);
        System.out.flush();
        awaitShutdownOrServerExit(postmasterPid);
    }

    static void ensureDatabase(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            boolean databaseExists;
            try (var rows = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                databaseExists = rows.next();
            }
            if (!databaseExists) {
                statement.execute("CREATE DATABASE " + DATABASE);
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
