package dev.promptengine.cost.enrichment;

import static dev.promptengine.cost.Fixtures.costed;
import static dev.promptengine.cost.Fixtures.execution;
import static dev.promptengine.cost.Fixtures.produce;
import static dev.promptengine.cost.Fixtures.readCommitted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.cost.IntegrationTestBase;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class EnrichmentIntegrationTests extends IntegrationTestBase {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    @Autowired
    MeterRegistry meters;

    String createPrice(String model, String inputPer1m, String outputPer1m) {
        var body = new LinkedHashMap<String, Object>();
        body.put("provider", "acme");
        body.put("model", model);
        body.put("input_per_1m", inputPer1m);
        body.put("output_per_1m", outputPer1m);
        body.put("effective_from", "2024-01-01T00:00:00Z");
        var created = send("POST", "/v1/prices", body, PLATFORM_ADMIN_KEY);
        assertThat(created.status()).isEqualTo(201);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(get("/v1/prices/resolve?provider=acme&model=" + model)
                                .body()
                                .get("pricing_status")
                                .asString())
                        .isEqualTo("PRICED"));
        return created.body().get("id").asString();
    }

    static String uniqueModel() {
        return "acme-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void costsTheSeedWorkedExampleExactly() {
        String model = uniqueModel();
        String priceId = createPrice(model, "30", "15"); // 0.03 and 0.015 per 1K
        var execution = execution("acme", model, Instant.parse("2025-03-01T12:00:00Z"), 1_000, 500);

        produce(Topics.EXECUTION.name(), List.of(execution));

        await().atMost(PATIENCE).untilAsserted(() -> {
            var output = costed(Topics.EXECUTION_COSTED.name(), execution.getId()::equals);
            assertThat(output).containsOnlyKeys(execution.getId());
            var cost = output.get(execution.getId()).get(0).getCost();
            assertThat(cost.getPricingStatus()).isEqualTo(PricingStatus.PRICED);
            assertThat(cost.getTotalCost().toPlainString()).isEqualTo("0.037500000000000000");
            assertThat(cost.getInputCost()).isEqualByComparingTo("0.03");
            assertThat(cost.getOutputCost()).isEqualByComparingTo("0.0075");
            assertThat(cost.getPriceId()).hasToString(priceId);
            assertThat(cost.getMatchedRule()).isEqualTo("exact");
            assertThat(cost.getCostSource()).isEqualTo(dev.promptengine.events.CostSource.CATALOG);
            assertThat(cost.getCatalogCost()).isEqualByComparingTo("0.0375");
            assertThat(cost.getPriceLayer()).isEqualTo("default");
            assertThat(cost.getPriceVersion()).isEqualTo(1);
        });
    }

    @Test
    void usesThePriceInEffectAtTheExecutionsEventTime() {
        var beforeChange = execution("openai", "gpt-4o", Instant.parse("2024-06-01T00:00:00Z"), 1_000, 1_000);
        var afterChange = execution("openai", "gpt-4o-2024-08-06", Instant.parse("2025-06-01T00:00:00Z"), 1_000, 1_000);

        produce(Topics.EXECUTION.name(), List.of(beforeChange, afterChange));

        await().atMost(PATIENCE).untilAsserted(() -> {
            var output =
                    costed(Topics.EXECUTION_COSTED.name(), Set.of(beforeChange.getId(), afterChange.getId())::contains);
            assertThat(output).hasSize(2);
            assertThat(output.get(beforeChange.getId()).get(0).getCost().getTotalCost())
                    .isEqualByComparingTo("0.02"); // 5.00 + 15.00 per 1M, the seed price
            assertThat(output.get(afterChange.getId()).get(0).getCost().getTotalCost())
                    .isEqualByComparingTo("0.0125"); // 2.50 + 10.00 per 1M, the current price
        });
    }

    @Test
    void unknownModelsFlowOnUnpricedAndAreCounted() {
        String model = "mystery-" + UUID.randomUUID().toString().substring(0, 8);
        var first = execution("acme", model, Instant.parse("2025-01-01T00:00:00Z"), 10, 10);
        var second = execution("acme", model, Instant.parse("2025-02-01T00:00:00Z"), 10, 10);
        double unpricedBefore =
                meters.counter("promptengine.cost.unpriced", "provider", "acme").count();

        produce(Topics.EXECUTION.name(), List.of(second, first));

        await().atMost(PATIENCE).untilAsserted(() -> {
            var output = costed(Topics.EXECUTION_COSTED.name(), Set.of(first.getId(), second.getId())::contains);
            assertThat(output).hasSize(2);
            var cost = output.get(first.getId()).get(0).getCost();
            assertThat(cost.getPricingStatus()).isEqualTo(PricingStatus.UNPRICED);
            assertThat(cost.getTotalCost()).isNull();
            assertThat(cost.getPriceId()).isNull();
        });
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            var models = get("/v1/prices/unpriced").body().get("models");
            var row = java.util.stream.StreamSupport.stream(models.spliterator(), false)
                    .filter(node -> node.get("model").asString().equals(model))
                    .findFirst()
                    .orElseThrow();
            assertThat(row.get("provider").asString()).isEqualTo("acme");
            assertThat(row.get("count").asLong()).isEqualTo(2);
            assertThat(row.get("first_seen").asString()).isEqualTo("2025-01-01T00:00:00Z");
            assertThat(row.get("last_seen").asString()).isEqualTo("2025-02-01T00:00:00Z");
        });
        assertThat(meters.counter("promptengine.cost.unpriced", "provider", "acme")
                                .count()
                        - unpricedBefore)
                .isEqualTo(2.0);
    }

    @Test
    void anUnpricedModelPostgresCannotStoreNeverStopsTheUnpricedListFromRecordingTheOthers() {
        // straight to Kafka: a model name with a NUL, and one too long for the list's index entry
        var nul = execution("acme", "bad\u0000model", Instant.parse("2025-01-01T00:00:00Z"), 10, 10);
        var random = new java.util.Random(7);
        var noise = new StringBuilder();
        for (int i = 0; i < 9000; i++) {
            noise.append((char) ('!' + random.nextInt(90)));
        }
        var huge = execution("acme", noise.toString(), Instant.parse("2025-01-01T00:00:00Z"), 10, 10);
        String model = "mystery-" + UUID.randomUUID().toString().substring(0, 8);
        var fine = execution("acme", model, Instant.parse("2025-01-01T00:00:00Z"), 10, 10);
        double unstorableBefore =
                meters.counter("promptengine.cost.unpriced.unstorable").count();

        produce(Topics.EXECUTION.name(), List.of(nul, huge, fine));

        // all three are costed (as unpriced) and the storable one is listed
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(costed(
                                Topics.EXECUTION_COSTED.name(),
                                Set.of(nul.getId(), huge.getId(), fine.getId())::contains))
                        .hasSize(3));
        await().atMost(PATIENCE).untilAsserted(() -> {
            var models = get("/v1/prices/unpriced");
            assertThat(models.status()).isEqualTo(200);
            assertThat(models.body().get("models").toString()).contains(model);
        });
        assertThat(meters.counter("promptengine.cost.unpriced.unstorable").count() - unstorableBefore)
                .isEqualTo(2.0);
    }

    @Test
    void anExecutionTooLargeToBeCostedIsDeadLetteredAndTheStreamGoesOn() {
        // 1,040,000 bytes: inside the broker's 1 MiB, but its costed record (and its dead letter with
        // reason headers) would not be
        var huge = execution("openai", "gpt-4o", Instant.parse("2025-01-01T00:00:00Z"), 100, 10);
        huge.setResponseContent("x".repeat(1_040_000));
        var after = execution("openai", "gpt-4o", Instant.parse("2025-01-01T00:00:00Z"), 100, 10);

        produce(Topics.EXECUTION.name(), List.of(huge, after));

        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            var deadLetter = readCommitted(Topics.EXECUTION.deadLetter()).stream()
                    .filter(record -> huge.getUsageId().toString().equals(record.key()))
                    .findFirst()
                    .orElseThrow();
            assertThat(header(deadLetter, "promptengine-dlt-reason"))
                    .contains("above promptengine.enrichment.max-input-bytes (1024000)");
            assertThat(deadLetter.value().length).isGreaterThan(1_040_000);
        });
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(
                                costed(Topics.EXECUTION_COSTED.name(), Set.of(after.getId(), huge.getId())::contains))
                        .containsOnlyKeys(after.getId()));
    }

    @Test
    void recordsThatCannotBeDecodedOrProcessedGoToTheDeadLetterTopicAndTheStreamGoesOn() {
        byte[] garbage = ("not avro " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        LlmExecution inconsistent = execution("openai", "gpt-4o", Instant.parse("2025-01-01T00:00:00Z"), 100, 10);
        inconsistent.setCachedInputTokens(150);
        var good = execution("openai", "gpt-4o", Instant.parse("2025-01-01T00:00:00Z"), 100, 10);

        produce(Topics.EXECUTION.name(), List.of(garbage, inconsistent, good));

        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            var deadLetters = readCommitted(Topics.EXECUTION.deadLetter());
            var undecodable = deadLetters.stream()
                    .filter(record -> Arrays.equals(record.value(), garbage))
                    .findFirst()
                    .orElseThrow();
            assertThat(header(undecodable, "promptengine-dlt-reason"))
                    .startsWith("Cannot decode execution: ")
                    .contains("not Avro single-object encoded");
            assertThat(header(undecodable, "kafka_dlt-exception-fqcn")).endsWith("DeserializationException");
            assertThat(header(undecodable, "kafka_dlt-original-topic")).isEqualTo(Topics.EXECUTION.name());
            var unprocessable = deadLetters.stream()
                    .filter(record -> inconsistent.getUsageId().toString().equals(record.key()))
                    .findFirst()
                    .orElseThrow();
            assertThat(header(unprocessable, "kafka_dlt-exception-message"))
                    .contains("cached_input_tokens (150) + cache_write_tokens (0) exceed input_tokens (100)");
            assertThat(header(unprocessable, "kafka_dlt-exception-fqcn")).contains("InvalidTokenCountsException");
            assertThat(header(unprocessable, "promptengine-dlt-reason")).contains("exceed input_tokens (100)");
        });
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(costed(
                                Topics.EXECUTION_COSTED.name(), Set.of(good.getId(), inconsistent.getId())::contains))
                        .containsOnlyKeys(good.getId()));
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
