package dev.promptengine.analytics;

import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Informal write-path rate (not a test, not a benchmark with a baseline: the bench module owns
 * that). Publishes N usages and N costed executions first, then starts one service process with
 * the production settings and reports how fast the backlog becomes visible in the rollups.
 * Usage: {@code WriteRateProbe <events> <content chars: 0 = metadata only>}; point
 * {@code PE_TEST_JDBC_URL} at a durable PostgreSQL for meaningful numbers.
 */
public final class WriteRateProbe {

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        int contentChars = Integer.parseInt(args[1]);
        String usageTopic = TestKafka.uniqueTopic("usage");
        String costedTopic = TestKafka.uniqueTopic("costed");
        TestKafka.createTopics(6, usageTopic, costedTopic, usageTopic + ".dlt", costedTopic + ".dlt");
        var database = TestPostgres.newDatabase("analytics_probe");
        var stream = new KnownStream(events, Instant.now(), 1, contentChars, Integer.getInteger("spreadMinutes", 10));
        long publishStart = System.nanoTime();
        try (var producer = new KafkaProducer<>(
                TestKafka.clientConfig(Map.<String, Object>of(
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        131072,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4")),
                new StringSerializer(),
                new ByteArraySerializer())) {
            stream.records(usageTopic, costedTopic, 0).forEach(producer::send);
            producer.flush();
        }
        System.out.printf("published %d records in %d ms%n", 2 * events, millisSince(publishStart));
        var dataSource = database.dataSource();
        dataSource.setCurrentSchema("analytics");
        var jdbc = JdbcClient.create(dataSource);
        var overrides = Map.of(
                "spring.kafka.consumer.max-poll-records",
                System.getProperty("maxPollRecords", "5000"),
                "spring.kafka.listener.concurrency",
                System.getProperty("concurrency", "2"),
                "spring.kafka.consumer.properties.session.timeout.ms",
                "45000",
                "logging.level.dev.promptengine.analytics.facts",
                "DEBUG");
        try (var service = new ServiceProcess(
                        "probe", database, usageTopic, costedTopic, "probe-" + UUID.randomUUID(), overrides)
                .start()) {
            long firstSeen = 0;
            while (true) {
                long executions = executions(jdbc);
                if (executions > 0 && firstSeen == 0) {
                    firstSeen = System.nanoTime();
                    System.out.printf("first rows visible, %d executions%n", executions);
                }
                if (executions >= events) {
                    long ms = millisSince(firstSeen);
                    System.out.printf(
                            "%d executions + %d usages (content %d chars) visible in %d ms after the first: "
                                    + "%.0f executions/s, %.0f events/s%n",
                            events, events, contentChars, ms, events * 1000.0 / ms, 2 * events * 1000.0 / ms);
                    break;
                }
                Thread.sleep(100);
            }
        }
        System.exit(0);
    }

    private static long executions(JdbcClient jdbc) {
        try {
            return jdbc.sql("SELECT coalesce(sum(execution_count), 0) FROM execution_rollup_daily")
                    .query(Long.class)
                    .single();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
