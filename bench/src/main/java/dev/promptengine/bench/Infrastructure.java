package dev.promptengine.bench;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.bench.workload.KafkaClients;
import dev.promptengine.testsupport.TestKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The broker and database every scenario measures on. By default the bench starts its own: a KRaft
 * broker running Apache Kafka's server code in the bench JVM (test-support's) and an embedded
 * PostgreSQL 17 with fsync on (zonky's binaries, as test-support uses), loopback only. {@code PE_BENCH_KAFKA_BOOTSTRAP_SERVERS} and
 * {@code PE_BENCH_JDBC_URL} ({@code PE_BENCH_DB_USER}, {@code PE_BENCH_DB_PASSWORD}) point it at
 * running servers instead. Every database the bench creates gets the same
 * {@code synchronous_commit}, so baseline and subject are measured with the same durability.
 */
public final class Infrastructure {

    /** Where to reach a database. */
    public record Database(String url, String username, String password) {

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }
    }

    private final String synchronousCommit;
    private volatile String bootstrapServers;
    private volatile Database server;
    private final List<String> facts = new ArrayList<>();
    private volatile int embeddedPort = -1;

    Infrastructure(String synchronousCommit) {
        this.synchronousCommit = synchronousCommit;
    }

    public synchronized String kafka() {
        if (bootstrapServers == null) {
            String external = System.getenv("PE_BENCH_KAFKA_BOOTSTRAP_SERVERS");
            long started = System.nanoTime();
            bootstrapServers = external != null && !external.isBlank() ? external : TestKafka.bootstrapServers();
            // the bench's own clients and the services it starts authenticate as the super user
            KafkaClients.authenticate(
                    KafkaUser.ADMIN,
                    external != null && !external.isBlank()
                            ? System.getenv("PE_BENCH_KAFKA_ADMIN_PASSWORD")
                            : TestKafka.adminPassword());
            facts.add("Kafka: "
                    + (external != null && !external.isBlank()
                            ? "external broker " + external
                            : "bench's own KRaft broker (Apache Kafka 4.1 server code, in the bench JVM) at "
                                    + bootstrapServers + ", started in "
                                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms"));
        }
        return bootstrapServers;
    }

    public synchronized Database postgres() {
        if (server == null) {
            String external = System.getenv("PE_BENCH_JDBC_URL");
            if (external != null && !external.isBlank()) {
                server = new Database(
                        external,
                        System.getenv().getOrDefault("PE_BENCH_DB_USER", "postgres"),
                        System.getenv().getOrDefault("PE_BENCH_DB_PASSWORD", ""));
                facts.add("PostgreSQL: external server " + external);
            } else {
                server = startEmbedded();
            }
            facts.add("PostgreSQL settings for every bench database: " + settings());
        }
        return server;
    }

    /**
     * PostgreSQL 17 from test-support's zonky binaries, but durable: zonky's defaults turn
     * {@code fsync} and {@code synchronous_commit} off, which no production server does.
     */
    private Database startEmbedded() {
        long started = System.nanoTime();
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("synchronous_commit", synchronousCommit)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("shared_buffers", "512MB")
                    .setServerConfig("max_wal_size", "4GB")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "bench-postgres-stop"));
            embeddedPort = postgres.getPort();
            facts.add(
                    "PostgreSQL: bench's own embedded PostgreSQL (zonky binaries, loopback, port " + postgres.getPort()
                            + "), started in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            return new Database(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            // the JVM is ending; the data directory is temporary
        }
    }

    /** A fresh, empty database with the run's durability settings. */
    public Database newDatabase(String prefix) {
        Database admin = postgres();
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
        try (var connection = admin.connect();
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
            // A database-level setting beats the server default that the embedded server starts with.
            statement.execute("ALTER DATABASE " + name + " SET synchronous_commit = " + synchronousCommit);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create bench database " + name, e);
        }
        int slash = admin.url().lastIndexOf('/');
        int query = admin.url().indexOf('?', slash);
        String url = admin.url().substring(0, slash + 1)
                + name
                + (query < 0 ? "" : admin.url().substring(query));
        return new Database(url, admin.username(), admin.password());
    }

    /** The settings that decide how durable (and how fast) a commit is, as a new bench session sees them. */
    Map<String, String> settings() {
        Database probe = newDatabaseProbe();
        var settings = new LinkedHashMap<String, String>();
        try (var connection = probe.connect();
                var statement = connection.createStatement()) {
            for (String name : List.of(
                    "server_version",
                    "synchronous_commit",
                    "fsync",
                    "full_page_writes",
                    "wal_sync_method",
                    "shared_buffers",
                    "max_wal_size")) {
                try (var result = statement.executeQuery("SHOW " + name)) {
                    result.next();
                    settings.put(name, result.getString(1));
                }
            }
        } catch (SQLException e) {
            settings.put("error", e.getMessage());
        }
        return settings;
    }

    private Database newDatabaseProbe() {
        return newDatabase("bench_settings");
    }

    /**
     * The embedded postmaster: pg_ctl daemonizes it, so it is no descendant of the bench JVM; found
     * by its port on the command line.
     */
    List<Long> ownProcessesOutsideTheJvm() {
        if (embeddedPort < 0) {
            return List.of();
        }
        String port = "-p\0" + embeddedPort + "\0";
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    try {
                        String cmdline =
                                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/cmdline"));
                        return cmdline.contains("postgres") && cmdline.contains(port);
                    } catch (IOException | RuntimeException e) {
                        return false;
                    }
                })
                .map(ProcessHandle::pid)
                .toList();
    }

    String synchronousCommit() {
        return synchronousCommit;
    }

    List<String> facts() {
        return List.copyOf(facts);
    }

    public Admin kafkaAdmin() {
        var config = new java.util.HashMap<String, Object>(KafkaClients.security());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Duration.ofSeconds(60).toMillis());
        return Admin.create(config);
    }

    /** Creates topics (if missing) and waits until they exist. */
    public void createTopics(int partitions, Map<String, String> config, String... topics) {
        try (Admin admin = kafkaAdmin()) {
            var created = admin.createTopics(List.of(topics).stream()
                            .map(name -> new NewTopic(name, partitions, (short) 1).configs(config))
                            .toList())
                    .values();
            for (var result : created.values()) {
                try {
                    result.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topics " + Set.of(topics), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topics " + Set.of(topics), e);
        }
    }

    public void deleteTopics(String... topics) {
        try (Admin admin = kafkaAdmin()) {
            admin.deleteTopics(List.of(topics)).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: a leftover bench topic only costs disk until the broker stops
        }
    }
}
