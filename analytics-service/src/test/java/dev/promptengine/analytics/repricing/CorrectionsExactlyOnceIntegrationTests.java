package dev.promptengine.analytics.repricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.KnownStream;
import dev.promptengine.analytics.RollupChecks;
import dev.promptengine.analytics.ServiceProcess;
import dev.promptengine.events.CostCorrection;
import dev.promptengine.events.CostSource;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Money;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Cost corrections (re-pricing's events) on the real broker and database, through the real write path
 * in a child JVM: every execution of a known stream gets a new cost at revision 1 (the unpriced ones
 * become priced), each correction is published twice and shuffled, the service is SIGKILLed twice
 * while it applies them and restarted, and a third copy arrives after it finished. Every raw fact
 * ends at revision 1 with exactly its corrected cost, every rollup equals a recomputation from the
 * corrected raw facts, no unpriced execution is left, and the correction of an execution that is not
 * stored is dead-lettered with its reason.
 */
class CorrectionsExactlyOnceIntegrationTests {

    private final Random random = new Random(21);
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();

    @Test
    void correctionsDeliveredTwiceAcrossKillsChangeRawFactsAndEveryRollupExactlyOnce() throws Exception {
        // Given a known stream (priced and unpriced executions, two tenants) fully materialised
        String usageTopic = TestKafka.uniqueTopic("usage");
        String costedTopic = TestKafka.uniqueTopic("costed");
        String correctionTopic = TestKafka.uniqueTopic("correction");
        TestKafka.createTopics(
                4,
                usageTopic,
                costedTopic,
                correctionTopic,
                usageTopic + ".dlt",
                costedTopic + ".dlt",
                correctionTopic + ".dlt");
        var database = TestPostgres.newDatabase("analytics_corrections");
        var dataSource = database.dataSource();
        dataSource.setCurrentSchema("analytics");
        var jdbc = JdbcClient.create(dataSource);
        var stream = new KnownStream(3_000, Instant.now(), 31);
        String group = "analytics-" + UUID.randomUUID();
        var settings = Map.of("promptengine.analytics.topics.cost-correction", correctionTopic);
        publish(stream.records(usageTopic, costedTopic, 0.0));
        try (var service = service("corrections-0", database, usageTopic, costedTopic, group, settings)
                .start()) {
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions() // the schema is created by the service as it starts
                    .untilAsserted(() -> RollupChecks.assertTotals(jdbc, stream.totalsByTenant()));
            service.stop();
        }
        long unpricedBefore = jdbc.sql("SELECT count(*) FROM execution_fact WHERE pricing_status <> 'priced'")
                .query(Long.class)
                .single();
        assertThat(unpricedBefore).as("the stream has unpriced executions").isPositive();

        // When every execution gets a corrected cost, each correction published twice in random order,
        // plus one correction of an execution that is not stored
        var repricing = UUID.randomUUID();
        var corrections = new ArrayList<ProducerRecord<String, byte[]>>();
        BigDecimal expectedTotal = BigDecimal.ZERO;
        for (CostedLlmExecution costed : stream.executions()) {
            var correction = correction(repricing, costed);
            expectedTotal = expectedTotal.add(correction.getCost().getTotalCost());
            byte[] bytes = serializer.serialize(correctionTopic, correction);
            var record = new ProducerRecord<>(
                    correctionTopic, correction.getUsageId().toString(), bytes);
            corrections.add(record);
            corrections.add(record);
        }
        Collections.shuffle(corrections, random);
        var stranger = correction(repricing, stream.executions().get(0));
        stranger.setExecutionId(UUID.randomUUID());
        corrections.add(new ProducerRecord<>(
                correctionTopic, stranger.getUsageId().toString(), serializer.serialize(correctionTopic, stranger)));
        jdbc.sql("INSERT INTO repricing_run (id, requested_by, requested_role, scope, dry_run, status)"
                        + " VALUES (:id, 'test', 'admin', '{}', false, 'published')")
                .param("id", repricing)
                .update();
        publish(corrections);
        int executions = stream.executions().size();
        for (int kill = 1; kill <= 2; kill++) {
            try (var service = service("corrections-kill-" + kill, database, usageTopic, costedTopic, group, settings)
                    .start()) {
                long target = Math.min(executions - 1, revised(jdbc) + 200 + random.nextInt(executions / 3));
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> revised(jdbc) >= target);
                service.kill();
            }
        }
        assertThat(revised(jdbc)).as("the kills landed mid-way").isLessThan(executions);
        try (var service = service("corrections-last", database, usageTopic, costedTopic, group, settings)
                .start()) {
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> revised(jdbc) == executions);
            // and a third copy of some corrections after everything was applied
            publish(corrections.subList(0, 500));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> deadLetters(jdbc) >= 1); // the stranger
            awaitConsumed(jdbc, correctionTopic, corrections.size() + 500);

            // Then every raw fact has its corrected cost once, at revision 1, nothing is unpriced ...
            assertThat(jdbc.sql("SELECT count(*) FROM execution_fact WHERE cost_revision = 1")
                            .query(Long.class)
                            .single())
                    .isEqualTo(executions);
            assertThat(jdbc.sql("SELECT count(*) FROM execution_fact WHERE pricing_status <> 'priced'")
                            .query(Long.class)
                            .single())
                    .isZero();
            assertThat(jdbc.sql("SELECT sum(total_cost) FROM execution_fact")
                            .query(BigDecimal.class)
                            .single())
                    .isEqualByComparingTo(expectedTotal);
            // ... every rollup equals a recomputation from the corrected raw facts, unpriced counts included
            RollupChecks.assertRollupsEqualRecomputation(jdbc);
            assertThat(jdbc.sql("SELECT sum(unpriced_count) FROM execution_summary_daily")
                            .query(Long.class)
                            .single())
                    .isZero();
            assertThat(jdbc.sql("SELECT sum(total_cost) FROM execution_rollup_hourly")
                            .query(BigDecimal.class)
                            .single())
                    .isEqualByComparingTo(expectedTotal);
            // ... the run counts each applied correction once
            assertThat(jdbc.sql("SELECT corrections_applied FROM repricing_run WHERE id = :id")
                            .param("id", repricing)
                            .query(Long.class)
                            .single())
                    .isEqualTo(executions);
            // ... and the correction of an unknown execution is one dead letter saying so
            assertThat(deadLetters(jdbc)).isEqualTo(1);
            assertThat(jdbc.sql("SELECT reason_kind || ': ' || reason FROM dead_letter WHERE event_id = :id")
                            .param("id", stranger.getExecutionId())
                            .query(String.class)
                            .list())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith(
                            "unknown_execution: cost correction revision 1 of execution " + stranger.getExecutionId());
        }
    }

    /** The execution's new cost: catalog-priced, every amount derived exactly from its token counts. */
    private static CostCorrection correction(UUID repricing, CostedLlmExecution costed) {
        var e = costed.getExecution();
        BigDecimal input = BigDecimal.valueOf(e.getInputTokens()).multiply(new BigDecimal("0.000001234"));
        BigDecimal output = BigDecimal.valueOf(e.getOutputTokens()).multiply(new BigDecimal("0.000004321"));
        var cost = ExecutionCost.newBuilder()
                .setPricingStatus(PricingStatus.PRICED)
                .setPriceId(UUID.nameUUIDFromBytes((e.getProvider() + "/" + e.getModel()).getBytes()))
                .setPriceVersion(2)
                .setPriceLayer("default")
                .setMatchedRule("exact")
                .setCostSource(CostSource.CATALOG)
                .setInputCost(Money.toEventScale(input))
                .setCachedInputCost(Money.toEventScale(BigDecimal.ZERO))
                .setCacheWriteCost(Money.toEventScale(BigDecimal.ZERO))
                .setOutputCost(Money.toEventScale(output))
                .setReasoningCost(Money.toEventScale(BigDecimal.ZERO))
                .setTotalCost(Money.toEventScale(input.add(output)))
                .setCatalogCost(Money.toEventScale(input.add(output)))
                .setRevision(1)
                .setPricedAt(Instant.now())
                .build();
        return CostCorrection.newBuilder()
                .setId(UUID.randomUUID())
                .setRepricingId(repricing)
                .setExecutionId(e.getId())
                .setUsageId(e.getUsageId())
                .setTenant(e.getTenant())
                .setOccurredAt(e.getOccurredAt())
                .setPromptSlug(e.getPromptSlug())
                .setPromptVersion(e.getPromptVersion())
                .setProvider(e.getProvider())
                .setModel(e.getModel())
                .setRevision(1)
                .setPreviousCost(costed.getCost())
                .setCost(cost)
                .setCorrectedAt(Instant.now())
                .setCorrectedBy("test")
                .build();
    }

    private static ServiceProcess service(
            String name,
            TestPostgres.Database database,
            String usageTopic,
            String costedTopic,
            String group,
            Map<String, String> settings) {
        return new ServiceProcess(name, database, usageTopic, costedTopic, group, settings);
    }

    private static long revised(JdbcClient jdbc) {
        try {
            return jdbc.sql("SELECT count(*) FROM execution_fact WHERE cost_revision > 0")
                    .query(Long.class)
                    .single();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static long deadLetters(JdbcClient jdbc) {
        return jdbc.sql("SELECT count(*) FROM dead_letter WHERE reason_kind = 'unknown_execution'")
                .query(Long.class)
                .single();
    }

    /** Until the stored offsets of the correction topic account for every published record. */
    private static void awaitConsumed(JdbcClient jdbc, String topic, long records) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> jdbc.sql("SELECT coalesce(sum(next_offset), 0) FROM consumer_offset WHERE topic = :topic")
                                .param("topic", topic)
                                .query(Long.class)
                                .single()
                        >= records);
    }

    private static void publish(List<ProducerRecord<String, byte[]>> records) {
        try (var producer = new KafkaProducer<>(
                TestKafka.clientConfig(
                        Map.<String, Object>of(ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var sends = records.stream().map(producer::send).toList();
            producer.flush();
            for (var send : sends) {
                send.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing failed", e);
        }
    }
}
