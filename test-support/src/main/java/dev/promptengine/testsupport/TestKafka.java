package dev.promptengine.testsupport;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker per test JVM: Apache Kafka's own KRaft server code (through spring-kafka-test),
 * or the broker named by {@code PE_TEST_KAFKA_BOOTSTRAP_SERVERS}. Tests isolate themselves with
 * {@link #uniqueTopic(String)} rather than restarting the broker.
 */
public final class TestKafka {

    public static final String BOOTSTRAP_ENV = "PE_TEST_KAFKA_BOOTSTRAP_SERVERS";

    private static final Logger log = LoggerFactory.getLogger(TestKafka.class);
    private static volatile String bootstrapServers;

    /** Starts the shared broker on first use and answers its bootstrap servers. */
    public static String bootstrapServers() {
        if (bootstrapServers == null) {
            synchronized (TestKafka.class) {
                if (bootstrapServers == null) {
                    bootstrapServers = start();
                }
            }
        }
        return bootstrapServers;
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

    public static Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Duration.ofSeconds(30).toMillis()));
    }

    private static String start() {
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            log.info("Using external Kafka broker {}", external);
            return external;
        }
        long started = System.nanoTime();
        var broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "4",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "4",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "test-kafka-stop"));
        log.info(
                "Started embedded KRaft broker {} in {} ms",
                broker.getBrokersAsString(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return broker.getBrokersAsString();
    }

    private TestKafka() {}
}
