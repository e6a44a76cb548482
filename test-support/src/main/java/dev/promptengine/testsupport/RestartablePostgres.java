package dev.promptengine.testsupport;

import dev.promptengine.access.postgres.PostgresAccess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own (zonky's binaries, as {@link TestPostgres}) that a test can stop
 * and start again on the same port and data directory, to prove what the services do while the
 * database is away. The shared server of {@link TestPostgres} is never stopped.
 */
public final class RestartablePostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private final String password = TestKafka.newPassword();
    private boolean initialised;
    private EmbeddedPostgres postgres;

    private RestartablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    public static RestartablePostgres start() {
        try {
            var server = new RestartablePostgres(Files.createTempDirectory("pe-restartable-pg"), freePort());
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String username() {
        return "postgres";
    }

    /** The superuser's password: every connection needs one (scram-sha-256), as on every server of the product. */
    public String password() {
        return password;
    }

    /** Stops the server (fast shutdown: open connections are cut); its data stays. */
    public synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                postgres = null;
            }
        }
    }

    /** Starts the server on the same port and data directory (initialised on the first start). */
    public synchronized void startAgain() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setConnectConfig("password", password)
                    .start();
            if (!initialised) {
                try (var connection = postgres.getPostgresDatabase().getConnection()) {
                    PostgresAccess.requirePasswords(connection, dataDirectory, password);
                }
                initialised = true;
            }
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException("Cannot start PostgreSQL on port " + port, e);
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> paths = Files.walk(dataDirectory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
