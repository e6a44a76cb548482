package dev.promptengine.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The "Done when" of exactly-once materialisation, with real processes on the real broker and
 * database: a known stream (duplicates, late events) is consumed while the service is killed with
 * SIGKILL at random points and restarted; in a second run two instances share the partitions while
 * one is stopped and started, the other frozen past its session timeout (so the group hands its
 * partitions over and fences it) and killed. Both runs end with every rollup equal to a
 * recomputation from the raw facts and to the totals known from the input, exactly.
 */
class ExactlyOnceIntegrationTests {

    private final Random random = new Random();

    @Test
    void serviceKilledAtRandomPointsAndRestartedCountsEveryEventExactlyOnce() throws Exception {
        // Given a known stream of 12,000 usages and executions plus 25 % duplicates on 6 partitions
        var run = new Run("kill", new KnownStream(6_000, Instant.now(), 11));
        var publishing = run.publish(0.25, Duration.ofMillis(100));

        // When the service is killed at random points of the stream and restarted, five times
        for (int kill = 1; kill <= 5; kill++) {
            try (var service = run.service("kill-" + kill).start()) {
                if (kill == 1) {
                    sleep(Duration.ofMillis(2_000 + random.nextInt(4_000))); // maybe before it even claimed
                } else {
                    // never beyond the whole stream: on a fast machine earlier lives may have written most of it
                    long target =
                            Math.min(run.expectedRows(), run.progress() + 500 + random.nextInt(run.expectedRows() / 8));
                    await().atMost(Duration.ofSeconds(120)).until(() -> run.progress() >= target);
                }
                service.kill();
            }
        }
        publishing.get();
        try (var last = run.service("kill-last").start()) {
            // Then rollups equal the known totals and the recomputation from raw facts, exactly
            run.awaitExactTotals();
            RollupChecks.assertRollupsEqualRecomputation(run.jdbc);
        }
    }

    @Test
    void twoInstancesSharingPartitionsWhileOneIsStoppedFrozenAndKilledCountEveryEventExactlyOnce() throws Exception {
        var run = new Run("pair", new KnownStream(6_000, Instant.now(), 12));
        var publishing = run.publish(0.25, Duration.ofMillis(250));
        try (var a = run.service("pair-a").start();
                var b = run.service("pair-b").start()) {
            run.awaitProgress(0.15);
            b.stop(); // graceful: the group hands b's partitions to a
            run.awaitProgress(0.35);
            b.start(); // and back
            run.awaitProgress(0.5);
            a.freeze(); // past the 6 s session timeout: b takes a's partitions and bumps their epochs
            sleep(Duration.ofSeconds(10));
            a.thaw(); // a's in-flight batch, if any, must fail (fenced), not double count
            run.awaitProgress(0.75);
            a.kill();
            a.start();
            publishing.get();
            run.awaitExactTotals();
            RollupChecks.assertRollupsEqualRecomputation(run.jdbc);
        }
    }

    /** One test's topics, database, stream and service processes. */
    private static final class Run {
        final String usageTopic = TestKafka.uniqueTopic("usage");
        final String costedTopic = TestKafka.uniqueTopic("costed");
        final String group = "analytics-" + UUID.randomUUID();
        final TestPostgres.Database database;
        final JdbcClient jdbc;
        final KnownStream stream;

        Run(String name, KnownStream stream) {
            this.stream = stream;
            TestKafka.createTopics(6, usageTopic, costedTopic, usageTopic + ".dlt", costedTopic + ".dlt");
            database = TestPostgres.newDatabase("analytics_" + name);
            var dataSource = database.dataSource();
            dataSource.setCurrentSchema("analytics");
            jdbc = JdbcClient.create(dataSource);
        }

        ServiceProcess service(String name) {
            return new ServiceProcess(name, database, usageTopic, costedTopic, group);
        }

        /** Where each published record landed, "topic/key" to "partition@offset" (for diagnostics). */
        final Map<String, List<String>> landed = new ConcurrentHashMap<>();

        /**
         * Publishes the stream in chunks of 500 records with a pause between them. A send that fails
         * (the machine may be overloaded) is sent again: a duplicate is harmless by design, a lost
         * record would make the expected totals wrong.
         */
        CompletableFuture<Void> publish(double duplicateShare, Duration pause) {
            List<ProducerRecord<String, byte[]>> records = stream.records(usageTopic, costedTopic, duplicateShare);
            return CompletableFuture.runAsync(() -> {
                try (var producer = new KafkaProducer<>(
                        TestKafka.clientConfig(Map.<String, Object>of(
                                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "all")),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
                    for (int from = 0; from < records.size(); from += 500) {
                        var chunk = records.subList(from, Math.min(records.size(), from + 500));
                        while (!chunk.isEmpty()) {
                            var sends = chunk.stream().map(producer::send).toList();
                            producer.flush();
                            var failed = new ArrayList<ProducerRecord<String, byte[]>>();
                            for (int i = 0; i < sends.size(); i++) {
                                try {
                                    var metadata = sends.get(i).get();
                                    landed.computeIfAbsent(
                                                    chunk.get(i).topic() + "/"
                                                            + chunk.get(i).key(),
                                                    k -> new CopyOnWriteArrayList<>())
                                            .add(metadata.partition() + "@" + metadata.offset());
                                } catch (Exception e) {
                                    System.err.println("send failed, sending again: " + e);
                                    failed.add(chunk.get(i));
                                }
                            }
                            chunk = failed;
                        }
                        sleep(pause);
                    }
                }
            });
        }

        int expectedRows() {
            return stream.usages().size() + stream.executions().size();
        }

        /** Raw facts written so far (0 before the schema exists). */
        long progress() {
            try {
                return jdbc.sql("SELECT (SELECT count(*) FROM usage_fact) + (SELECT count(*) FROM execution_fact)")
                        .query(Long.class)
                        .single();
            } catch (RuntimeException e) {
                return 0;
            }
        }

        void awaitProgress(double share) {
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> progress() >= share * expectedRows());
        }

        void awaitExactTotals() {
            try {
                await().atMost(Duration.ofSeconds(240))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> RollupChecks.assertTotals(jdbc, stream.totalsByTenant()));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(diagnosis(), e);
            }
            assertThat(progress()).isEqualTo(expectedRows());
        }

        /** Which expected facts are missing, where they were published, and the stored offsets. */
        String diagnosis() {
            var executions = new java.util.HashSet<>(
                    jdbc.sql("SELECT id FROM execution_fact").query(UUID.class).list());
            var usages = new java.util.HashSet<>(
                    jdbc.sql("SELECT id FROM usage_fact").query(UUID.class).list());
            var missing = new ArrayList<String>();
            stream.executions().stream()
                    .map(c -> c.getExecution())
                    .filter(e -> !executions.contains(e.getId()))
                    .forEach(e -> missing.add("execution " + e.getId() + " at " + e.getOccurredAt() + " landed "
                            + landed.get(costedTopic + "/" + e.getUsageId())));
            stream.usages().stream()
                    .filter(u -> !usages.contains(u.getId()))
                    .forEach(u ->
                            missing.add("usage " + u.getId() + " landed " + landed.get(usageTopic + "/" + u.getId())));
            return "raw executions " + executions.size() + ", usages " + usages.size() + "; missing " + missing
                    + "; rollup differences " + RollupChecks.differences(jdbc) + "; offsets "
                    + jdbc.sql("SELECT topic || '-' || kafka_partition || '=' || next_offset || ' e' || epoch"
                                    + " FROM consumer_offset ORDER BY 1")
                            .query(String.class)
                            .list();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
