package dev.promptengine.testsupport;

import dev.promptengine.access.kafka.KafkaAccess;
import dev.promptengine.access.kafka.KafkaSecurity;
import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.SecureBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Kafka broker per test JVM, with the product's authentication: Apache Kafka's own KRaft
 * server in-process, SASL/SCRAM listeners, the {@code StandardAuthorizer} and the pipeline's ACLs
 * ({@code access} module), every service principal with a password generated at start. Tests
 * connect as the super user {@link KafkaUser#ADMIN} ({@link #clientConfig}) unless they test a
 * principal ({@link #clientConfig(KafkaUser, Map)}); Spring Boot services started in this JVM
 * authenticate as the admin through the system properties {@code promptengine.kafka.username} and
 * {@code promptengine.kafka.password} that the services' {@code application.yml} reads.
 *
 * <p>{@code PE_TEST_KAFKA_BOOTSTRAP_SERVERS} (with {@code PE_TEST_KAFKA_ADMIN_PASSWORD}) points the
 * tests at an external broker of the same set-up instead. Tests isolate themselves with
 * {@link #uniqueTopic(String)} rather than restarting the broker.
 */
public final class TestKafka {

    public static final String BOOTSTRAP_ENV = "PE_TEST_KAFKA_BOOTSTRAP_SERVERS";
    public static final String ADMIN_PASSWORD_ENV = "PE_TEST_KAFKA_ADMIN_PASSWORD";

    private static final Logger log = LoggerFactory.getLogger(TestKafka.class);
    private static final SecureRandom random = new SecureRandom();

    /** Where to reach the broker and with which credentials. */
    private record Broker(String bootstrapServers, String adminPassword, Map<KafkaUser, String> passwords) {}

    private static volatile Broker broker;

    /** Starts the shared broker on first use and answers its bootstrap servers. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** The super user's password (for tests that start a service in another JVM). */
    public static String adminPassword() {
        return broker().adminPassword();
    }

    /** The password of a service principal. */
    public static String password(KafkaUser user) {
        return broker().passwords().get(user);
    }

    /** {@code config} plus the bootstrap servers and the admin's SASL settings. */
    public static Map<String, Object> clientConfig(Map<String, ?> config) {
        return clientConfig(KafkaUser.ADMIN, adminPassword(), config);
    }

    /** {@code config} plus the bootstrap servers and the SASL settings of a service principal. */
    public static Map<String, Object> clientConfig(KafkaUser user, Map<String, ?> config) {
        return clientConfig(user.username(), password(user), config);
    }

    /** Command-line arguments that point a Spring Boot service at the broker as the admin. */
    public static List<String> springArguments() {
        return springArguments(KafkaUser.ADMIN, adminPassword());
    }

    /** Command-line arguments that point a Spring Boot service at the broker as {@code user}. */
    public static List<String> springArguments(KafkaUser user) {
        return springArguments(user.username(), password(user));
    }

    private static Map<String, Object> clientConfig(String username, String password, Map<String, ?> config) {
        var merged = new HashMap<String, Object>(config);
        merged.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        merged.putAll(KafkaSecurity.clientProperties(username, password));
        return merged;
    }

    private static List<String> springArguments(String username, String password) {
        return List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--promptengine.kafka.username=" + username,
                "--promptengine.kafka.password=" + password);
    }

    /** A topic name no other test uses, so tests can share the broker. */
    public static String uniqueTopic(String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates the topics (if missing) with the given partition count and waits until they exist. */
    public static void createTopics(int partitions, String... topics) {
        createTopics(partitions, Map.of(), topics);
    }

    public static void createTopics(int partitions, Map<String, String> config, String... topics) {
        try (Admin admin = admin()) {
            var newTopics = Stream.of(topics)
                    .map(name -> new NewTopic(name, partitions, (short) 1).configs(config))
                    .collect(Collectors.toList());
            for (var result : admin.createTopics(newTopics).values().values()) {
                try {
                    result.get(30, TimeUnit.SECONDS);
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

    /** An admin client authenticated as the super user. */
    public static Admin admin() {
        return Admin.create(clientConfig(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Duration.ofSeconds(30).toMillis())));
    }

    /**
     * The broker settings of every test broker (this one and the restartable one of the outage
     * tests): the product's ({@link SecureBroker}) with few internal partitions.
     */
    public static Properties serverProperties(
            Path logDirectory, int port, int controllerPort, String adminPassword, String brokerPassword) {
        var properties = SecureBroker.properties(logDirectory, port, controllerPort, adminPassword, brokerPassword);
        properties.put("offsets.topic.num.partitions", "4");
        properties.put("transaction.state.log.num.partitions", "4");
        return properties;
    }

    /** A random credential of 32 URL-safe characters. */
    public static String newPassword() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static int freePort() {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every service principal with a fresh password, created on the broker with the pipeline's ACLs. */
    public static Map<KafkaUser, String> grantAccess(String bootstrapServers, String adminPassword) {
        var passwords = new EnumMap<KafkaUser, String>(KafkaUser.class);
        for (var user : KafkaUser.values()) {
            passwords.put(user, newPassword());
        }
        var config = new LinkedHashMap<String, Object>(KafkaSecurity.clientProperties(KafkaUser.ADMIN, adminPassword));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Duration.ofSeconds(60).toMillis());
        try (Admin admin = Admin.create(config)) {
            KafkaAccess.apply(admin, passwords);
        }
        return passwords;
    }

    private static Broker broker() {
        if (broker == null) {
            synchronized (TestKafka.class) {
                if (broker == null) {
                    broker = start();
                    System.setProperty("promptengine.kafka.username", KafkaUser.ADMIN);
                    System.setProperty("promptengine.kafka.password", broker.adminPassword());
                }
            }
        }
        return broker;
    }

    private static Broker start() {
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            log.info("Using external Kafka broker {}", external);
            String adminPassword = System.getenv(ADMIN_PASSWORD_ENV);
            return new Broker(external, adminPassword, grantAccess(external, adminPassword));
        }
        long started = System.nanoTime();
        try {
            Path directory = Files.createTempDirectory("test-kafka");
            String adminPassword = newPassword();
            int port = freePort();
            var properties =
                    serverProperties(directory.resolve("data"), port, freePort(), adminPassword, newPassword());
            Path configFile = directory.resolve("server.properties");
            SecureBroker.write(configFile, properties);
            SecureBroker.format(configFile, adminPassword);
            var server = SecureBroker.start(properties);
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "test-kafka-stop"));
            String bootstrap = "127.0.0.1:" + port;
            var passwords = grantAccess(bootstrap, adminPassword);
            log.info(
                    "Started KRaft broker {} (SASL/SCRAM, ACLs) in {} ms",
                    bootstrap,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return new Broker(bootstrap, adminPassword, passwords);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the test broker", e);
        }
    }

    private TestKafka() {}
}
