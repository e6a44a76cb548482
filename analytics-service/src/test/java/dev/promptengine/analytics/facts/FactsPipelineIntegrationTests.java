package dev.promptengine.analytics.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.KnownStream;
import dev.promptengine.analytics.RollupChecks;
import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.analytics.rebuild.RebuildCommand;
import dev.promptengine.analytics.rebuild.RollupRebuilder;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One service instance on the real broker and database: a known stream with duplicates, late
 * events and poison records ends up exactly in raw facts and rollups; poison goes to the
 * dead-letter topic; the rebuild command repairs rollups; partitions are created ahead and on
 * demand and dropped by retention.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FactsPipelineIntegrationTests {

    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final String ANALYST_KEY = "analyst-" + UUID.randomUUID();
    static final String ADMIN_KEY = "admin-" + UUID.randomUUID();
    static TestPostgres.Database database;
    static final KnownStream STREAM = new KnownStream(3_000, Instant.now(), 1);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        database = TestInfrastructure.kafkaAndPostgres(
                registry, "analytics", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        ConsumedTopics.register(registry, USAGE_TOPIC, COSTED_TOPIC);
        registry.add("promptengine.auth.keys[0].name", () -> "analyst");
        registry.add("promptengine.auth.keys[0].tenant", () -> "acme");
        registry.add("promptengine.auth.keys[0].role", () -> "ANALYST");
        registry.add("promptengine.auth.keys[0].sha256", () -> sha256(ANALYST_KEY));
        registry.add("promptengine.auth.keys[1].name", () -> "admin");
        registry.add("promptengine.auth.keys[1].tenant", () -> "acme");
        registry.add("promptengine.auth.keys[1].role", () -> "ADMIN");
        registry.add("promptengine.auth.keys[1].sha256", () -> sha256(ADMIN_KEY));
    }

    /** The write path's pool: the test tampers with rollups, which the query API's role may not. */
    JdbcClient jdbc;

    @Autowired
    void writePool(dev.promptengine.analytics.WritePool pool) {
        this.jdbc = pool.jdbc();
    }

    @Autowired
    RollupRebuilder rebuilder;

    @Autowired
    PartitionManager partitions;

    @Autowired
    FactsWriter writer;

    @Autowired
    OffsetStore offsets;

    @Autowired
    EventDecoder decoder;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @LocalServerPort
    int port;

    @BeforeAll
    static void publishStreamWithDuplicatesAndPoison() throws Exception {
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
        var serializer = new AvroSerializer<SpecificRecord>();
        var records = new ArrayList<>(STREAM.records(USAGE_TOPIC, COSTED_TOPIC, 0.2));
        // poison: not Avro at all, a NUL character, invalid JSON, an execution on the usage topic
        records.add(new ProducerRecord<>(USAGE_TOPIC, "garbage", "not avro".getBytes(StandardCharsets.UTF_8)));
        var nul = PromptUsage.newBuilder(STREAM.usages().get(0))
                .setId(UUID.randomUUID())
                .setRenderedContent("a\u0000b")
                .build();
        records.add(new ProducerRecord<>(USAGE_TOPIC, "nul", serializer.serialize(USAGE_TOPIC, nul)));
        var badJson = PromptUsage.newBuilder(STREAM.usages().get(1))
                .setId(UUID.randomUUID())
                .setMetadata("{not json")
                .build();
        records.add(new ProducerRecord<>(USAGE_TOPIC, "json", serializer.serialize(USAGE_TOPIC, badJson)));
        CostedLlmExecution wrongTopic = STREAM.executions().get(0);
        records.add(new ProducerRecord<>(USAGE_TOPIC, "wrong", serializer.serialize(USAGE_TOPIC, wrongTopic)));
        // poison on the costed topic: token counts whose sum would overflow a bigint rollup column
        for (String key : List.of("huge-1", "huge-2")) {
            var source = STREAM.executions().get(key.equals("huge-1") ? 1 : 2);
            var huge = CostedLlmExecution.newBuilder(source)
                    .setExecution(LlmExecution.newBuilder(source.getExecution())
                            .setId(UUID.randomUUID())
                            .setInputTokens(9_000_000_000_000_000_000L)
                            .build())
                    .build();
            records.add(new ProducerRecord<>(COSTED_TOPIC, key, serializer.serialize(COSTED_TOPIC, huge)));
        }
        try (var producer = producer()) {
            for (var record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    @Test
    void materialisesKnownStreamExactlyDespiteDuplicatesAndLateEvents() throws Exception {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> RollupChecks.assertTotals(jdbc, STREAM.totalsByTenant()));
        RollupChecks.assertRollupsEqualRecomputation(jdbc);
        assertWriteMetricsCountTheStream();
        assertThat(jdbc.sql("SELECT count(*) FROM execution_content")
                        .query(Long.class)
                        .single())
                .isEqualTo(STREAM.executions().size());
        assertThat(jdbc.sql(
                                "SELECT count(DISTINCT error_type) FROM execution_fact WHERE status IN ('error', 'timeout')")
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void staleInstanceCannotCommitOncePartitionIsClaimedAndRedeliveriesNeverCountTwice() {
        // Given partition 99 claimed by instance a, then by instance b (as after a rebalance)
        var group = "fencing-" + UUID.randomUUID();
        var tp = new TopicPartition(USAGE_TOPIC, 99);
        long staleEpoch = offsets.claim(group, List.of(tp), "a").get(tp).epoch();
        long currentEpoch = offsets.claim(group, List.of(tp), "b").get(tp).epoch();
        var usage = PromptUsage.newBuilder(STREAM.usages().get(2))
                .setId(UUID.randomUUID())
                .setTenant("fencing")
                .build();
        byte[] bytes = new AvroSerializer<SpecificRecord>().serialize(USAGE_TOPIC, usage);

        // When the stale instance writes a batch, its transaction fails and nothing is written
        assertThatThrownBy(() -> writer.write(group, List.of(consumed(tp, 0, bytes)), Map.of(tp, staleEpoch)))
                .isInstanceOf(PartitionFencedException.class);
        assertThat(RollupChecks.count(jdbc, "usage_fact", "fencing")).isZero();

        // Then the owner's batch counts once; the same offset again is skipped by the stored offset,
        // and the same event at a later offset (a producer retry) is a duplicate
        assertThat(writer.write(group, List.of(consumed(tp, 0, bytes)), Map.of(tp, currentEpoch))
                        .newUsages())
                .isEqualTo(1);
        assertThat(writer.write(group, List.of(consumed(tp, 0, bytes)), Map.of(tp, currentEpoch))
                        .skipped())
                .isEqualTo(1);
        assertThat(writer.write(group, List.of(consumed(tp, 1, bytes)), Map.of(tp, currentEpoch))
                        .duplicates())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT sum(usage_count) FROM usage_rollup_hourly WHERE tenant = 'fencing'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT next_offset FROM consumer_offset WHERE consumer_group = :group")
                        .param("group", group)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    private FactsWriter.Consumed consumed(TopicPartition tp, long offset, byte[] bytes) {
        var record = new ConsumerRecord<String, byte[]>(tp.topic(), tp.partition(), offset, "k", bytes);
        return new FactsWriter.Consumed(record, decoder.decode(tp.topic(), bytes));
    }

    @Test
    void sendsPoisonRecordsToTheDeadLetterTopicWithTheirReason() {
        var reasons = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<String, byte[]>(
                TestKafka.clientConfig(Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dlt-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest")),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(USAGE_TOPIC + ".dlt"));
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    reasons.add(record.key() + ": "
                            + new String(
                                    record.headers()
                                            .lastHeader(Topics.DEAD_LETTER_REASON_HEADER)
                                            .value(),
                                    StandardCharsets.UTF_8));
                    if (record.key().equals("garbage")) {
                        assertThat(record.value()).isEqualTo("not avro".getBytes(StandardCharsets.UTF_8));
                    }
                }
                assertThat(reasons).hasSize(4);
            });
        }
        assertThat(reasons)
                .anySatisfy(r -> assertThat(r).startsWith("garbage: ").contains("not Avro single-object encoded"))
                .anySatisfy(r -> assertThat(r).startsWith("nul: ").contains("NUL"))
                .anySatisfy(r -> assertThat(r).startsWith("json: ").contains("metadata is not valid JSON"))
                .anySatisfy(r -> assertThat(r).startsWith("wrong: ").contains("unexpected event type"));
    }

    @Test
    void deadLettersTokenCountsThatWouldOverflowARollupSumAndCountsTheRest() {
        var reasons = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<String, byte[]>(
                TestKafka.clientConfig(Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dlt-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest")),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(COSTED_TOPIC + ".dlt"));
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    reasons.add(record.key() + ": "
                            + new String(
                                    record.headers()
                                            .lastHeader(Topics.DEAD_LETTER_REASON_HEADER)
                                            .value(),
                                    StandardCharsets.UTF_8));
                }
                assertThat(reasons).hasSize(2);
            });
        }
        assertThat(reasons)
                .allSatisfy(r -> assertThat(r)
                        .startsWith("huge-")
                        .contains("input_tokens is 9000000000000000000, above the bound of 2000000000"));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> RollupChecks.assertTotals(jdbc, STREAM.totalsByTenant()));
    }

    @Test
    void rebuildCommandRecomputesCorruptedRollupsFromRawFacts() {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> RollupChecks.assertTotals(jdbc, STREAM.totalsByTenant()));
        Instant from = Instant.now().minus(Duration.ofDays(30));
        Instant to = Instant.now().plus(Duration.ofDays(1));
        // Given rollups damaged by hand
        jdbc.sql(
                        "UPDATE execution_rollup_hourly SET execution_count = execution_count + 7, total_cost = total_cost + 1")
                .update();
        jdbc.sql("DELETE FROM usage_rollup_daily WHERE tenant = 'acme'").update();
        assertThat(RollupChecks.differences(jdbc)).isNotEmpty();

        // When the documented command rebuilds the range
        int exit = RebuildCommand.run(
                "--from=" + from,
                "--to=" + to,
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--promptengine.kafka.username=admin",
                "--promptengine.kafka.password=" + TestKafka.adminPassword());

        // Then rollups equal the recomputation and the known totals again
        assertThat(exit).isZero();
        RollupChecks.assertRollupsEqualRecomputation(jdbc);
        RollupChecks.assertTotals(jdbc, STREAM.totalsByTenant());
        assertThat(rebuilder.rebuild(from, to).executions())
                .isEqualTo(STREAM.executions().size());
    }

    @Test
    void createsPartitionsAheadAndOnDemandForLateEvents() {
        var today = LocalDate.now(ZoneOffset.UTC);
        var day = DateTimeFormatter.ofPattern("yyyyMMdd");
        assertThat(partitions.partitionsOf("execution_fact"))
                .contains("execution_fact_p" + day.format(today), "execution_fact_p" + day.format(today.plusDays(3)));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> RollupChecks.assertTotals(jdbc, STREAM.totalsByTenant()));
        var lateDays = STREAM.usages().stream()
                .map(u -> LocalDate.ofInstant(u.getOccurredAt(), ZoneOffset.UTC))
                .filter(d -> d.isBefore(today.minusDays(2)))
                .map(d -> "usage_fact_p" + day.format(d))
                .distinct()
                .toList();
        assertThat(lateDays).isNotEmpty();
        assertThat(partitions.partitionsOf("usage_fact")).containsAll(lateDays);
        assertThat(partitions.partitionsOf("usage_content")).contains("usage_content_p" + day.format(today));
        assertThat(partitions.partitionsOf("execution_rollup_daily"))
                .contains("execution_rollup_daily_p"
                        + DateTimeFormatter.ofPattern("yyyyMM").format(today));
    }

    @Test
    void retentionDropsWholePartitionsOlderThanConfigured() {
        var today = LocalDate.now(ZoneOffset.UTC);
        var day = DateTimeFormatter.ofPattern("yyyyMMdd");
        var month = DateTimeFormatter.ofPattern("yyyyMM");
        // Given partitions 40 days old (past content retention of 30), 100 days old (past raw retention
        // of 90) and 800 days old (past rollup retention of 730), each holding a row
        var contentExpired = today.minusDays(40);
        var rawExpired = today.minusDays(100);
        var allExpired = today.minusDays(800);
        partitions.ensureRawDays(List.of(
                contentExpired.atStartOfDay(ZoneOffset.UTC).toInstant(),
                rawExpired.atStartOfDay(ZoneOffset.UTC).toInstant(),
                allExpired.atStartOfDay(ZoneOffset.UTC).toInstant()));
        for (var d : List.of(contentExpired, rawExpired, allExpired)) {
            jdbc.sql("""
                            INSERT INTO usage_content (tenant, id, occurred_at, rendered_content)
                            VALUES ('retention', :id, :at, 'old')
                            """)
                    .param("id", UUID.randomUUID())
                    .param(
                            "at",
                            java.sql.Timestamp.from(
                                    d.atStartOfDay(ZoneOffset.UTC).toInstant()))
                    .update();
            jdbc.sql("""
                            INSERT INTO usage_rollup_daily (tenant, bucket_start, prompt_slug, prompt_version,
                                environment, usage_count)
                            VALUES ('retention', :at, 'old', 1, 'production', 1)
                            """)
                    .param(
                            "at",
                            java.sql.Timestamp.from(
                                    d.atStartOfDay(ZoneOffset.UTC).toInstant()))
                    .update();
            jdbc.sql("""
                            INSERT INTO audit_log (tenant, key_name, role, occurred_at, endpoint, rows_returned)
                            VALUES ('retention', 'k', 'analyst', :at, 'GET /v1/analytics/usage-stats', 1)
                            """)
                    .param(
                            "at",
                            java.sql.Timestamp.from(
                                    d.atStartOfDay(ZoneOffset.UTC).toInstant()))
                    .update();
        }

        // and histogram cache entries for a day past rollup retention, one not recomputed for 40
        // days, and a fresh one
        for (var entry : List.of(
                new Object[] {allExpired, 0}, new Object[] {contentExpired, 40}, new Object[] {contentExpired, 0})) {
            jdbc.sql("""
                            INSERT INTO latency_histogram_cache (tenant, filter_key, day, execution_count, buckets,
                                counts, computed_at)
                            VALUES ('retention', :key, :day, 1, '{1}', '{1}', now() - make_interval(days => :age))
                            """)
                    .param("key", "{\"age\":" + entry[1] + "}")
                    .param(
                            "day",
                            java.sql.Timestamp.from(((LocalDate) entry[0])
                                    .atStartOfDay(ZoneOffset.UTC)
                                    .toInstant()))
                    .param("age", entry[1])
                    .update();
        }

        // When retention runs
        var dropped = partitions.dropExpired();

        // Then content goes after 30 days, raw rows after 90, audit after 400, rollups after 730,
        // and nothing younger
        assertThat(dropped)
                .contains(
                        "usage_content_p" + day.format(contentExpired),
                        "execution_content_p" + day.format(contentExpired),
                        "usage_fact_p" + day.format(rawExpired),
                        "execution_fact_p" + day.format(rawExpired),
                        "usage_fact_p" + day.format(allExpired),
                        "usage_rollup_daily_p" + month.format(allExpired),
                        "execution_rollup_hourly_p" + month.format(allExpired),
                        "audit_log_p" + month.format(allExpired))
                .doesNotContain(
                        "usage_fact_p" + day.format(contentExpired),
                        "usage_rollup_daily_p" + month.format(rawExpired),
                        "audit_log_p" + month.format(rawExpired),
                        "audit_log_p" + month.format(today),
                        "usage_fact_p" + day.format(today));
        assertThat(jdbc.sql("SELECT filter_key FROM latency_histogram_cache WHERE tenant = 'retention'")
                        .query(String.class)
                        .list())
                .containsExactly("{\"age\":0}");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE tenant = 'retention'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        assertThat(partitions.partitionsOf("usage_fact")).contains("usage_fact_p" + day.format(contentExpired));
        assertThat(jdbc.sql("SELECT count(*) FROM usage_rollup_daily WHERE tenant = 'retention'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_content WHERE tenant = 'retention'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void skeletonUsageStatsAnswersTheCallersTenantFromRollups() throws Exception {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> RollupChecks.assertTotals(jdbc, STREAM.totalsByTenant()));
        var acme = STREAM.totalsByTenant().get("acme");
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/analytics/usage-stats"))
                                .header("Authorization", "Bearer " + ANALYST_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"total_uses\":" + acme.usages())
                .contains("\"total_executions\":" + acme.executions())
                .contains("\"total_cost\":\""
                        + acme.totalCost().stripTrailingZeros().toPlainString() + "\"");
    }

    @Test
    void storesTextWithTabsNewlinesBackslashesQuotesAndUnicodeByteForByte() throws Exception {
        // COPY's text format gives tab, newline, carriage return and backslash a meaning of their own
        String tricky = "col1\tcol2\r\nline \\N \\. \\\\ \"quoted\" ünïcødé 🎉 end\\";
        String trickyJson = "{\"note\": \"a\\tb\\nc \\\\ \\\"q\\\" é\", \"n\": 1}";
        var usage = PromptUsage.newBuilder(STREAM.usages().get(2))
                .setId(UUID.randomUUID())
                .setTenant("escapes")
                .setRenderedContent(tricky)
                .setRenderedSystemMessage("\\N")
                .setParameters(trickyJson)
                .setMetadata(trickyJson)
                .build();
        var template = STREAM.executions().get(2);
        var execution = CostedLlmExecution.newBuilder(template)
                .setExecution(dev.promptengine.events.LlmExecution.newBuilder(template.getExecution())
                        .setId(UUID.randomUUID())
                        .setUsageId(usage.getId())
                        .setTenant("escapes")
                        .setMessages(List.of(new dev.promptengine.events.Message("user", tricky)))
                        .setResponseContent(tricky)
                        .setErrorMessage(tricky)
                        .setResponseMetadata(trickyJson)
                        .build())
                .build();
        var serializer = new AvroSerializer<SpecificRecord>();
        try (var producer = producer()) {
            producer.send(new ProducerRecord<>(USAGE_TOPIC, "u", serializer.serialize(USAGE_TOPIC, usage)));
            producer.send(new ProducerRecord<>(COSTED_TOPIC, "e", serializer.serialize(COSTED_TOPIC, execution)));
        }
        UUID executionId = execution.getExecution().getId();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> RollupChecks.count(jdbc, "execution_fact", "escapes") == 1
                        && RollupChecks.count(jdbc, "usage_fact", "escapes") == 1);
        assertThat(jdbc.sql("""
                        SELECT u.rendered_content, u.rendered_system_message, f.parameters = :json::jsonb,
                            f.metadata = :json::jsonb
                        FROM usage_content u JOIN usage_fact f USING (tenant, id, occurred_at) WHERE u.id = :id
                        """)
                        .param("id", usage.getId())
                        .param("json", trickyJson)
                        .query((rs, n) -> List.of(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)))
                        .single())
                .containsExactly(tricky, "\\N", true, true);
        assertThat(jdbc.sql("""
                        SELECT c.messages -> 0 ->> 'content', c.response_content, f.error_message,
                            f.response_metadata = :json::jsonb
                        FROM execution_content c JOIN execution_fact f USING (tenant, id, occurred_at)
                        WHERE c.id = :id
                        """)
                        .param("id", executionId)
                        .param("json", trickyJson)
                        .query((rs, n) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
                        .single())
                .containsExactly(tricky, tricky, tricky, true);
    }

    /**
     * The write-path metrics saw at least the known stream (other tests of this class may write
     * more facts through the same listener) and are exposed to Prometheus.
     */
    private void assertWriteMetricsCountTheStream() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(meters.get("promptengine.analytics.facts")
                            .tag("type", "execution")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(STREAM.executions().size());
            assertThat(meters.get("promptengine.analytics.facts")
                            .tag("type", "usage")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(STREAM.usages().size());
            int duplicatesPublished =
                    (int) ((STREAM.usages().size() + STREAM.executions().size()) * 0.2);
            assertThat(meters.get("promptengine.analytics.duplicates").counter().count())
                    .isGreaterThanOrEqualTo(duplicatesPublished);
            assertThat(meters.get("promptengine.analytics.dead.lettered").counters().stream()
                            .mapToDouble(io.micrometer.core.instrument.Counter::count)
                            .sum())
                    .isGreaterThanOrEqualTo(6);
        });
        var scrape = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .header("Authorization", "Bearer " + ADMIN_KEY)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.body())
                .contains("promptengine_analytics_facts_total{")
                .contains("promptengine_analytics_batch_seconds_count{")
                .contains("kafka_consumer_fetch_manager_records_lag_max{");
    }

    static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                TestKafka.clientConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
