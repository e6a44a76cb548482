package dev.promptengine.testsupport;

import dev.promptengine.access.postgres.DatabaseRole;
import dev.promptengine.access.postgres.PostgresAccess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real PostgreSQL server per test JVM: zonky's embedded PostgreSQL 17 binaries from Maven
 * Central with the product's authentication (scram-sha-256 for every connection, a generated
 * superuser password), or the server named by {@code PE_TEST_JDBC_URL} (with
 * {@code PE_TEST_DB_USER}, {@code PE_TEST_DB_PASSWORD}). Each caller of {@link #newDatabase(String)}
 * gets a database of its own, so tests never see each other's rows; {@link #newDatabase(String,
 * DatabaseRole)} also provisions a service's role there, as the local stack does.
 */
public final class TestPostgres {

    public static final String JDBC_URL_ENV = "PE_TEST_JDBC_URL";

    /** Where to reach a database: JDBC URL and credentials. */
    public record Database(String url, String username, String password) {

        public PGSimpleDataSource dataSource() {
            var dataSource = new PGSimpleDataSource();
            dataSource.setUrl(url);
            dataSource.setUser(username);
            dataSource.setPassword(password);
            return dataSource;
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
    private static volatile Database server;

    /** The maintenance database of the shared server (started on first use). */
    public static Database server() {
        if (server == null) {
            synchronized (TestPostgres.class) {
                if (server == null) {
                    server = start();
                }
            }
        }
        return server;
    }

    /**
     * A fresh database with a service's role provisioned ({@code access} module: owns only its
     * schema, no superuser); the answer logs in as that role.
     */
    public static Database newDatabase(String prefix, DatabaseRole role) {
        Database database = newDatabase(prefix);
        try (var connection = database.connect()) {
            PostgresAccess.provision(connection, role, rolePassword(role));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot provision " + role.role() + " in " + database.url(), e);
        }
        return new Database(database.url(), role.role(), rolePassword(role));
    }

    /** Another service's role provisioned in the same database (the local stack's layout: one database, a schema per service). */
    public static Database newDatabase(Database existing, DatabaseRole role) {
        Database admin = server();
        try (var connection =
                java.sql.DriverManager.getConnection(existing.url(), admin.username(), admin.password())) {
            PostgresAccess.provision(connection, role, rolePassword(role));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot provision " + role.role() + " in " + existing.url(), e);
        }
        return new Database(existing.url(), role.role(), rolePassword(role));
    }

    /** The password of a service role on the shared server (one per role and test JVM). */
    public static synchronized String rolePassword(DatabaseRole role) {
        return rolePasswords.computeIfAbsent(role, r -> TestKafka.newPassword());
    }

    private static final java.util.Map<DatabaseRole, String> rolePasswords =
            new java.util.EnumMap<>(DatabaseRole.class);

    /** Creates a fresh, empty database on the shared server (the answer logs in as the superuser). */
    public static Database newDatabase(String prefix) {
        Database admin = server();
        String name = (prefix.replaceAll("[^a-zA-Z0-9]", "_") + "_"
                        + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase();
        try (var connection = admin.connect();
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name, e);
        }
        return new Database(withDatabase(admin.url(), name), admin.username(), admin.password());
    }

    private static String withDatabase(String url, String database) {
        int slash = url.lastIndexOf('/');
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
    }

    private static Database start() {
        String external = System.getenv(JDBC_URL_ENV);
        if (external != null && !external.isBlank()) {
            log.info("Using external PostgreSQL {}", external);
            return new Database(
                    external,
                    System.getenv().getOrDefault("PE_TEST_DB_USER", "postgres"),
                    System.getenv().getOrDefault("PE_TEST_DB_PASSWORD", ""));
        }
        long started = System.nanoTime();
        try {
            Path dataDirectory = Files.createTempDirectory("test-postgres");
            String password = TestKafka.newPassword();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "400")
                    .setServerConfig("shared_buffers", "256MB")
                    .setConnectConfig("password", password)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "test-postgres-stop"));
            try (var connection = postgres.getPostgresDatabase().getConnection()) {
                PostgresAccess.requirePasswords(connection, dataDirectory, password);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot require passwords on the test PostgreSQL", e);
            }
            log.info(
                    "Started embedded PostgreSQL on port {} in {} ms",
                    postgres.getPort(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return new Database(
                    "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", password);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }

    private TestPostgres() {}
}
