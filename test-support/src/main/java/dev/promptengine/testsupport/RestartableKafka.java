package dev.promptengine.testsupport;

import dev.promptengine.access.kafka.KafkaSecurity;
import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.SecureBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft broker in a process of its own (Apache Kafka's {@code kafka.Kafka} from the test
 * classpath) on ports picked at start, keeping its log directory across {@link #stop()} and
 * {@link #start()}: a real broker outage and restart, unlike the shared test broker that other tests
 * use.
 */
public final class RestartableKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestartableKafka.class);

    private final Path directory;
    private final Path config;
    private final int port;
    private final String adminPassword = TestKafka.newPassword();
    private Map<KafkaUser, String> passwords;
    private Process process;

    private RestartableKafka(Path directory, int port, int controllerPort) throws IOException {
        this.directory = directory;
        this.port = port;
        this.config = directory.resolve("server.properties");
        // the product's SASL listeners and ACLs, as on the shared test broker
        var properties = TestKafka.serverProperties(
                directory.resolve("data"), port, controllerPort, adminPassword, TestKafka.newPassword());
        properties.put("offsets.topic.num.partitions", "2");
        properties.put("transaction.state.log.num.partitions", "2");
        SecureBroker.write(config, properties);
    }

    /** Formats a fresh log directory, starts the broker and creates the service principals. */
    public static RestartableKafka start() {
        try {
            var kafka = new RestartableKafka(
                    Files.createTempDirectory("restartable-kafka"), TestKafka.freePort(), TestKafka.freePort());
            SecureBroker.format(kafka.config, kafka.adminPassword);
            kafka.startAgain();
            kafka.passwords = TestKafka.grantAccess(kafka.bootstrapServers(), kafka.adminPassword);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bootstrap servers and the super user's SASL settings. */
    public Map<String, Object> adminConfig() {
        var config = new HashMap<String, Object>(KafkaSecurity.clientProperties(KafkaUser.ADMIN, adminPassword));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** The SASL password of a principal on this broker. */
    public String password(KafkaUser user) {
        return passwords.get(user);
    }

    /** The bootstrap servers and SASL settings of {@code user}, for its own clients. */
    public Map<String, Object> clientConfig(KafkaUser user) {
        var config = new HashMap<String, Object>(KafkaSecurity.clientProperties(user.username(), password(user)));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the stopped broker on the same port and log directory; returns once it serves requests. */
    public void startAgain() {
        try {
            process = run(List.of("kafka.Kafka", config.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    /** Stops the broker (SIGTERM, a controlled shutdown) and waits until its port is closed. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Stopped the broker on port {}", port);
    }

    private void awaitReady() {
        var config = adminConfig();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(config)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The broker exited; see " + directory.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    break;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("The broker did not serve requests within 120 s", e);
                    }
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        log.info("Broker on port {} is ready", port);
    }

    private Process run(List<String> mainAndArguments) throws IOException {
        var command = new java.util.ArrayList<String>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path")));
        command.addAll(mainAndArguments);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        directory.resolve("broker.log").toFile()))
                .start();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(directory.toFile());
    }
}
