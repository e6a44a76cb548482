package dev.promptengine.analytics.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.sealing.ContentOpener;
import dev.promptengine.schemas.sealing.ContentSealer;
import dev.promptengine.schemas.sealing.KeyUnavailableException;
import dev.promptengine.schemas.sealing.LocalKeyDirectory;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sealed events (as ingest-service seals them) through the real consumer into real PostgreSQL:
 * ciphertext on both topics and in every table, plaintext for an analyst with an audit row,
 * crypto-shredding of one tenant, erasure of one end user. Each test has its own tenant.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrivacyAtRestIntegrationTests {

    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final Path KEYS = temporaryKeyDirectory();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafkaAndPostgres(
                registry, "analytics_privacy", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        registry.add("promptengine.analytics.topics.usage", () -> USAGE_TOPIC);
        registry.add("promptengine.analytics.topics.execution-costed", () -> COSTED_TOPIC);
        registry.add("spring.kafka.consumer.group-id", () -> "analytics-" + UUID.randomUUID());
        registry.add("promptengine.privacy.encryption.key-directory", KEYS::toString);
        TestInfrastructure.apiKeys(registry, new String[][] {
            {"acme-analyst", "acme", "ANALYST", "acme-analyst-key"},
            {"globex-analyst", "globex", "ANALYST", "globex-analyst-key"},
            {"globex-admin", "globex", "ADMIN", "globex-admin-key"},
            {"initech-analyst", "initech", "ANALYST", "initech-analyst-key"},
            {"initech-admin", "initech", "ADMIN", "initech-admin-key"},
            {"hooli-analyst", "hooli", "ANALYST", "hooli-analyst-key"},
            {"hooli-admin", "hooli", "ADMIN", "hooli-admin-key"},
        });
    }

    @BeforeAll
    static void topics() {
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
    }

    JdbcClient jdbc;

    @Autowired
    void writePool(dev.promptengine.analytics.WritePool pool) {
        this.jdbc = pool.jdbc();
    }

    @LocalServerPort
    int port;

    private final ContentSealer sealer =
            new ContentSealer(new LocalKeyDirectory(KEYS), Duration.ofDays(1), Clock.systemUTC());

    @Test
    void contentIsCiphertextOnKafkaAndInEveryTableAndOpensForAnAnalystWithAnAuditRow() {
        // Given
        var pair = pair("acme", "alice", "the merger with Initrode", ExecutionStatus.ERROR, "rate limit exceeded");
        publish(List.of(pair));

        // When
        awaitStored("acme", 1);
        var detail = get("/v1/executions/" + pair.execution().getExecution().getId(), "acme-analyst-key");

        // Then: nothing readable on either topic nor in any row
        for (byte[] value : rawValues()) {
            assertThat(new String(value, StandardCharsets.ISO_8859_1)).doesNotContain("Initrode", "rate limit");
        }
        for (String table : List.of("usage_fact", "usage_content", "execution_fact", "execution_content")) {
            List<String> rows = jdbc.sql("SELECT row_to_json(t)::text FROM " + table + " t WHERE tenant = 'acme'")
                    .query(String.class)
                    .list();
            assertThat(rows).as(table).hasSize(1);
            assertThat(rows.get(0)).as(table).doesNotContain("Initrode", "rate limit");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM execution_content WHERE tenant = 'acme' AND sealed IS NOT NULL")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // the error is still classified although its message is sealed
        assertThat(jdbc.sql("SELECT error_type FROM execution_fact WHERE tenant = 'acme'")
                        .query(String.class)
                        .single())
                .isEqualTo("rate_limit");

        // and the analyst sees the plaintext, which leaves an audit row
        assertThat(detail.status()).isEqualTo(200);
        JsonNode body = detail.json();
        assertThat(body.get("content_sealed").asBoolean()).isTrue();
        assertThat(body.get("content_error").isNull()).isTrue();
        assertThat(body.get("response_content").asString()).isEqualTo("answer about the merger with Initrode");
        assertThat(body.get("error_message").asString()).isEqualTo("rate limit exceeded");
        assertThat(body.get("messages").get(0).get("content").asString()).isEqualTo("the merger with Initrode");
        assertThat(body.get("usage").get("rendered_content").asString()).isEqualTo("the merger with Initrode");
        assertThat(body.get("usage").get("parameters").get("topic").asString()).isEqualTo("Initrode");
        var audit = jdbc.sql("""
                        SELECT filters->>'endpoint' || ' ' || (filters->'ids')::text || ' ' || rows_returned FROM audit_log
                        WHERE tenant = 'acme' AND endpoint = 'READ sealed content' AND key_name = 'acme-analyst'
                        """).query(String.class).list();
        assertThat(audit)
                .containsExactly("GET /v1/executions/{id} [\""
                        + pair.execution().getExecution().getId() + "\", \""
                        + pair.usage().getId() + "\"] 2");
    }

    @Test
    void everyViewWithContentOpensItForAnAnalystWithOneAuditRowPerAnswerAndSaysWhyAfterShredding() {
        // Given: a failed call of session s-richard, its content (and error message) sealed
        var pair = pair("hooli", "richard", "the compression algorithm", ExecutionStatus.ERROR, "quota of hooli gone");
        publish(List.of(pair));
        awaitStored("hooli", 1);
        UUID executionId = pair.execution().getExecution().getId();
        UUID usageId = pair.usage().getId();

        // When
        JsonNode list = get("/v1/executions", "hooli-analyst-key").json();
        JsonNode session = get("/v1/sessions/s-richard", "hooli-analyst-key").json();
        JsonNode usage = get("/v1/usages/" + usageId, "hooli-analyst-key").json();
        String csv = get("/v1/export/executions.csv", "hooli-analyst-key").body();
        JsonNode errors =
                get("/v1/analytics/error-analysis", "hooli-analyst-key").json();

        // Then: each view shows the plaintext its clear columns do not hold
        JsonNode row = list.get("executions").get(0);
        assertThat(row.get("error_message").asString()).isEqualTo("quota of hooli gone");
        assertThat(row.get("content_sealed").asBoolean()).isTrue();
        assertThat(row.get("content_error").isNull()).isTrue();
        JsonNode render = session.get("events").get(0);
        JsonNode call = session.get("events").get(1);
        assertThat(render.get("rendered_content").asString()).isEqualTo("the compression algorithm");
        assertThat(call.get("messages").get(0).get("content").asString()).isEqualTo("the compression algorithm");
        assertThat(call.get("response_content").asString()).isEqualTo("answer about the compression algorithm");
        assertThat(call.get("error_message").asString()).isEqualTo("quota of hooli gone");
        assertThat(usage.get("rendered_content").asString()).isEqualTo("the compression algorithm");
        assertThat(usage.get("parameters").get("topic").asString()).isEqualTo("algorithm");
        assertThat(usage.get("content_sealed").asBoolean()).isTrue();
        assertThat(csv).contains(executionId + ",").contains("quota of hooli gone");
        JsonNode recent = errors.get("recent_errors").get(0);
        assertThat(recent.get("error").asString()).isEqualTo("quota of hooli gone");
        assertThat(recent.get("content_sealed").asBoolean()).isTrue();
        // and every answer that opened content left one row saying which records it opened
        var audit = jdbc.sql("""
                        SELECT filters->>'endpoint' || ' ' || (filters->'ids')::text || ' ' || rows_returned
                        FROM audit_log
                        WHERE tenant = 'hooli' AND endpoint = 'READ sealed content' AND key_name = 'hooli-analyst'
                        ORDER BY id""").query(String.class).list();
        String execution = "[\"" + executionId + "\"] 1";
        assertThat(audit)
                .containsExactly(
                        "GET /v1/executions " + execution,
                        "GET /v1/sessions/{id} [\"" + usageId + "\", \"" + executionId + "\"] 2",
                        "GET /v1/usages/{id} [\"" + usageId + "\"] 1",
                        "GET /v1/export/executions.csv " + execution,
                        "GET /v1/analytics/error-analysis " + execution);

        // When the tenant's keys are destroyed
        assertThat(delete("/v1/admin/tenants/hooli/keys", "hooli-admin-key").status())
                .isEqualTo(200);

        // Then the views say why, never show garbage, and still answer the metadata
        JsonNode after = get("/v1/executions", "hooli-analyst-key")
                .json()
                .get("executions")
                .get(0);
        assertThat(after.get("error_message").isNull()).isTrue();
        assertThat(after.get("content_error").asString()).startsWith("shredded:");
        assertThat(after.get("total_tokens").asLong()).isEqualTo(120);
        JsonNode afterCall = get("/v1/sessions/s-richard", "hooli-analyst-key")
                .json()
                .get("events")
                .get(1);
        assertThat(afterCall.get("response_content").isNull()).isTrue();
        assertThat(afterCall.get("content_error").asString()).startsWith("shredded:");
        assertThat(get("/v1/export/executions.csv", "hooli-analyst-key").body()).doesNotContain("quota");
    }

    @Test
    void shreddingMakesTheTenantsContentUnreadableEverywhereWhileItsUsageStatsStay() {
        // Given
        var pair = pair("globex", "gus", "the globex launch plan", ExecutionStatus.SUCCESS, null);
        publish(List.of(pair));
        awaitStored("globex", 1);
        UUID executionId = pair.execution().getExecution().getId();
        assertThat(get("/v1/executions/" + executionId, "globex-analyst-key")
                        .json()
                        .get("response_content")
                        .asString())
                .isEqualTo("answer about the globex launch plan");
        JsonNode statsBefore = get(wholeHoursStats(), "globex-analyst-key").json();

        // When
        var forbidden = delete("/v1/admin/tenants/globex/keys", "initech-admin-key");
        var shredded = delete("/v1/admin/tenants/globex/keys", "globex-admin-key");

        // Then
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("field").asString()).isEqualTo("tenant");
        assertThat(shredded.status()).isEqualTo(200);
        assertThat(shredded.json().get("keys_destroyed").asInt()).isEqualTo(1);
        var detail = get("/v1/executions/" + executionId, "globex-analyst-key").json();
        assertThat(detail.get("response_content").isNull()).isTrue();
        assertThat(detail.get("messages").isNull()).isTrue();
        assertThat(detail.get("content_error").asString()).startsWith("shredded:");
        assertThat(detail.get("usage").get("rendered_content").isNull()).isTrue();
        assertThat(detail.get("usage").get("content_error").asString()).startsWith("shredded:");
        // the copy on Kafka does not open either, in a process that never saw the key
        var opener = new ContentOpener(new LocalKeyDirectory(KEYS), Clock.systemUTC());
        var onKafka = rawExecutions().stream()
                .filter(e -> e.getExecution().getId().equals(executionId))
                .findFirst()
                .orElseThrow();
        assertThatThrownBy(() -> opener.open(
                        "globex", executionId, onKafka.getExecution().getSealed()))
                .isInstanceOfSatisfying(
                        KeyUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("shredded"));
        assertThat(get(wholeHoursStats(), "globex-analyst-key").json()).isEqualTo(statsBefore);
        assertThat(statsBefore.get("total_executions").asLong()).isEqualTo(1);
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM audit_log
                        WHERE tenant = 'globex' AND endpoint = 'DELETE /v1/admin/tenants/{tenant}/keys'
                        """).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void erasureRemovesExactlyThatUsersRowsKeepsTheTotalsAndIsIdempotent() {
        // Given
        var pairs = List.of(
                pair("initech", "milton", "my stapler", ExecutionStatus.SUCCESS, null),
                pair("initech", "milton", "the basement", ExecutionStatus.SUCCESS, null),
                pair("initech", "peter", "TPS reports", ExecutionStatus.SUCCESS, null));
        publish(pairs);
        awaitStored("initech", 3);
        JsonNode statsBefore = get(wholeHoursStats(), "initech-analyst-key").json();

        // When
        var first = delete("/v1/admin/users/milton", "initech-admin-key");
        var again = delete("/v1/admin/users/milton", "initech-admin-key");

        // Then
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("usages_removed").asLong()).isEqualTo(2);
        assertThat(first.json().get("usage_contents_removed").asLong()).isEqualTo(2);
        assertThat(first.json().get("executions_removed").asLong()).isEqualTo(2);
        assertThat(first.json().get("execution_contents_removed").asLong()).isEqualTo(2);
        assertThat(again.json().get("usages_removed").asLong()).isZero();
        assertThat(again.json().get("executions_removed").asLong()).isZero();
        assertThat(jdbc.sql("SELECT user_identifier FROM usage_fact WHERE tenant = 'initech'")
                        .query(String.class)
                        .list())
                .containsExactly("peter");
        assertThat(jdbc.sql("SELECT user_identifier FROM execution_fact WHERE tenant = 'initech'")
                        .query(String.class)
                        .list())
                .containsExactly("peter");
        assertThat(jdbc.sql("SELECT count(*) FROM execution_content WHERE tenant = 'initech'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_content WHERE tenant = 'initech'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(get(wholeHoursStats(), "initech-analyst-key").json()).isEqualTo(statsBefore);
        assertThat(statsBefore.get("total_executions").asLong()).isEqualTo(3);
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM audit_log
                        WHERE tenant = 'initech' AND endpoint = 'DELETE /v1/admin/users/{user_identifier}'
                        """).query(Long.class).single()).isEqualTo(2);
    }

    record Pair(PromptUsage usage, CostedLlmExecution execution) {}

    /** A usage and its costed execution, content sealed the way ingest-service seals it. */
    private Pair pair(String tenant, String user, String secret, ExecutionStatus status, String errorMessage) {
        Instant at = NOW.minusSeconds(60);
        var usage = PromptUsage.newBuilder()
                .setId(UUID.randomUUID())
                .setTenant(tenant)
                .setOccurredAt(at)
                .setPromptSlug("advice")
                .setPromptVersion(1)
                .setUserIdentifier(user)
                .setSessionId("s-" + user)
                .build();
        var usageContent = new LinkedHashMap<String, Object>();
        usageContent.put("parameters", "{\"topic\":\"" + secret.substring(secret.lastIndexOf(' ') + 1) + "\"}");
        usageContent.put("rendered_content", secret);
        usage.setSealed(sealer.seal(tenant, usage.getId(), JSON.writeValueAsBytes(usageContent)));
        var execution = LlmExecution.newBuilder()
                .setId(UUID.randomUUID())
                .setUsageId(usage.getId())
                .setTenant(tenant)
                .setOccurredAt(at.plusMillis(300))
                .setPromptSlug("advice")
                .setPromptVersion(1)
                .setUserIdentifier(user)
                .setSessionId("s-" + user)
                .setProvider("openai")
                .setModel("gpt-4o")
                .setInputTokens(100)
                .setOutputTokens(20)
                .setTotalTokens(120)
                .setExecutionTimeMs(700)
                .setStatus(status)
                .build();
        var executionContent = new LinkedHashMap<String, Object>();
        executionContent.put("messages", List.of(Map.of("role", "user", "content", secret)));
        executionContent.put("response_content", "answer about " + secret);
        if (errorMessage != null) {
            executionContent.put("error_message", errorMessage);
        }
        execution.setSealed(sealer.seal(tenant, execution.getId(), JSON.writeValueAsBytes(executionContent)));
        BigDecimal cost = new BigDecimal("0.000450000000000000");
        var priced = ExecutionCost.newBuilder()
                .setPricingStatus(PricingStatus.PRICED)
                .setPriceId(UUID.nameUUIDFromBytes("gpt-4o".getBytes(StandardCharsets.UTF_8)))
                .setMatchedRule("exact")
                .setInputCost(cost)
                .setOutputCost(BigDecimal.ZERO.setScale(18))
                .setTotalCost(cost)
                .setPricedAt(NOW)
                .build();
        return new Pair(usage, new CostedLlmExecution(execution, priced));
    }

    private void publish(List<Pair> pairs) {
        Map<String, Object> config = TestKafka.clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        var serializer = new AvroSerializer<SpecificRecord>();
        try (var producer = new KafkaProducer<String, byte[]>(config)) {
            for (Pair pair : pairs) {
                String key = pair.usage().getId().toString();
                producer.send(new ProducerRecord<>(USAGE_TOPIC, key, serializer.serialize(USAGE_TOPIC, pair.usage())));
                producer.send(
                        new ProducerRecord<>(COSTED_TOPIC, key, serializer.serialize(COSTED_TOPIC, pair.execution())));
            }
            producer.flush();
        }
    }

    /** Every value on both topics, as the broker holds it. */
    private List<byte[]> rawValues() {
        Map<String, Object> config = TestKafka.clientConfig(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        var values = new ArrayList<byte[]>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
            var partitions = new ArrayList<TopicPartition>();
            for (String topic : List.of(USAGE_TOPIC, COSTED_TOPIC)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read both topics in time").isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        assertThat(values).isNotEmpty();
        return values;
    }

    private List<CostedLlmExecution> rawExecutions() {
        var decoded = new ArrayList<CostedLlmExecution>();
        try (var deserializer = new dev.promptengine.schemas.AvroDeserializer<SpecificRecord>()) {
            for (byte[] value : rawValues()) {
                if (deserializer.deserialize(COSTED_TOPIC, value) instanceof CostedLlmExecution e) {
                    decoded.add(e);
                }
            }
        }
        return decoded;
    }

    private void awaitStored(String tenant, long executions) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(count("execution_fact", tenant)).isEqualTo(executions);
            assertThat(count("usage_fact", tenant)).isEqualTo(executions);
        });
    }

    private long count(String table, String tenant) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant = :tenant")
                .param("tenant", tenant)
                .query(Long.class)
                .single();
    }

    record Response(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** Usage stats over whole hours around now: answered from the rollups (partial edge hours come from raw facts). */
    private static String wholeHoursStats() {
        Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
        return "/v1/analytics/usage-stats?from=" + hour.minus(Duration.ofHours(1)) + "&to="
                + hour.plus(Duration.ofHours(1));
    }

    private Response get(String path, String key) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), key);
    }

    private Response delete(String path, String key) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), key);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Response send(HttpRequest.Builder request, String key) {
        try {
            var response = HttpClient.newHttpClient()
                    .send(
                            request.header("Authorization", "Bearer " + key).build(),
                            HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path temporaryKeyDirectory() {
        try {
            return Files.createTempDirectory("pe-keys-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
