package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the caller sees: ids and times assigned at record time, cheap validation, no exceptions. */
class PromptEngineTests {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00.123456Z");

    private PromptEngine unreachable() {
        // nothing listens on port 9 of the loopback; the sender retries in the background
        return PromptEngine.http("http://127.0.0.1:9", "pe_test")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .backoff(Duration.ofSeconds(30), Duration.ofSeconds(30))
                .build();
    }

    @Test
    void assignsIdAndMillisecondOccurredAtAtRecordTimeAndCopiesTheUsageIntoItsExecution() {
        try (var client = unreachable()) {
            Usage usage = client.recordRender(Usage.builder("support-reply", 3)
                    .environment("staging")
                    .sessionId("s-1")
                    .userIdentifier("u-1"));
            Execution execution = client.recordExecution(
                    Execution.builder(usage).provider("openai").model("gpt-4o"));

            assertThat(usage.id()).isNotNull();
            assertThat(usage.id().version()).isEqualTo(4);
            assertThat(usage.occurredAt()).isEqualTo(Instant.parse("2026-12-02T12:00:00.123Z"));
            assertThat(execution.id()).isNotEqualTo(usage.id());
            assertThat(execution.usageId()).isEqualTo(usage.id());
            assertThat(execution.key()).isEqualTo(usage.id());
            assertThat(execution)
                    .extracting(
                            Execution::promptSlug,
                            Execution::promptVersion,
                            Execution::environment,
                            Execution::sessionId,
                            Execution::userIdentifier)
                    .containsExactly("support-reply", 3, "staging", "s-1", "u-1");
            assertThat(client.pending()).isEqualTo(2);
        }
    }

    @Test
    void invalidEventsAreCountedAsRejectedNotThrown() {
        try (var client = unreachable()) {
            Usage usage = client.recordRender(Usage.builder(" ", 0));
            Execution noModel = client.recordExecution(Execution.builder(usage).provider("openai"));
            Execution negative = client.recordExecution(
                    Execution.builder(usage).provider("openai").model("gpt-4o").tokens(-1, 0));
            Execution nullBuilder = client.recordExecution(null);

            assertThat(usage).isNotNull();
            assertThat(noModel).isNotNull();
            assertThat(negative).isNotNull();
            assertThat(nullBuilder).isNull();
            assertThat(client.rejected()).isEqualTo(4);
            assertThat(client.pending()).isZero();
        }
    }

    @Test
    void aCallRecordsItsOutcomeOnceAndAnUnfinishedCallAsAnError() {
        try (var client = unreachable()) {
            Usage usage = client.recordRender(Usage.builder("support-reply", 3));

            Execution succeeded;
            try (var call = client.startCall(usage, "openai", "gpt-4o")) {
                succeeded = call.succeeded("Hello", 12, 3);
                call.failed("ignored: already finished");
            }
            Execution unfinished;
            var call = client.startCall(usage, "openai", "gpt-4o");
            call.close();
            unfinished = call.succeeded("too late", 1, 1);
            Execution timedOut = client.startCall(usage, "openai", "gpt-4o")
                    .failed(new RuntimeException(new java.util.concurrent.TimeoutException("30 s")));

            assertThat(succeeded.status()).isEqualTo(Status.SUCCESS);
            assertThat(succeeded.inputTokens()).isEqualTo(12);
            assertThat(succeeded.responseContent()).isEqualTo("Hello");
            assertThat(succeeded.executionTimeMs()).isGreaterThanOrEqualTo(0);
            assertThat(unfinished.status()).isEqualTo(Status.ERROR);
            assertThat(unfinished.errorMessage()).isEqualTo(Call.NOT_COMPLETED);
            assertThat(timedOut.status()).isEqualTo(Status.TIMEOUT);
            assertThat(timedOut.errorMessage()).contains("TimeoutException: 30 s");
            assertThat(client.pending()).isEqualTo(4);
        }
    }

    @Test
    void writesIngestsJsonFields() {
        Usage usage = Usage.builder("support-reply", 3)
                .parameters(mapWithNull())
                .renderedContent("Line \"one\"\n\u0001")
                .build(new java.util.UUID(0, 1), Instant.parse("2026-12-02T12:00:00.123Z"));
        Execution execution = Execution.builder(usage)
                .provider("openai")
                .model("gpt-4o")
                .messages(java.util.List.of(Message.user("hi")))
                .temperature(0.5)
                .tokens(10, 5)
                .status(Status.TIMEOUT)
                .providerCostUsd(new java.math.BigDecimal("0.000000000000000735"))
                .build(new java.util.UUID(0, 2), Instant.parse("2026-12-02T12:00:00.123Z"));

        assertThat(Json.usage(usage))
                .isEqualTo(
                        "{\"id\":\"00000000-0000-0000-0000-000000000001\",\"occurred_at\":\"2026-12-02T12:00:00.123Z\","
                                + "\"prompt_slug\":\"support-reply\",\"prompt_version\":3,"
                                + "\"parameters\":{\"name\":\"Ada\",\"missing\":null,\"n\":[1,2.5,true]},"
                                + "\"rendered_content\":\"Line \\\"one\\\"\\n\\u0001\"}");
        assertThat(Json.execution(execution))
                .isEqualTo("{\"id\":\"00000000-0000-0000-0000-000000000002\","
                        + "\"usage_id\":\"00000000-0000-0000-0000-000000000001\","
                        + "\"occurred_at\":\"2026-12-02T12:00:00.123Z\",\"prompt_slug\":\"support-reply\","
                        + "\"prompt_version\":3,\"provider\":\"openai\",\"model\":\"gpt-4o\",\"temperature\":0.5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"input_tokens\":10,\"output_tokens\":5,"
                        + "\"cached_input_tokens\":0,\"cache_write_tokens\":0,\"reasoning_tokens\":0,"
                        + "\"execution_time_ms\":0,\"status\":\"timeout\","
                        + "\"provider_cost_usd\":\"0.000000000000000735\"}");
    }

    @Test
    void misconfigurationIsTheOneExceptionAndHappensAtBuild() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromptEngine.http("localhost:8081", "key").build());
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> PromptEngine.http("http://localhost:8081", " ").build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromptEngine.http("http://localhost:8081", "key")
                        .queueCapacity(0)
                        .build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromptEngine.kafka("127.0.0.1:9092", "direct-producer", null)
                        .build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromptEngine.http("http://localhost:8081", "key")
                        .meterRegistry("not a registry")
                        .build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromptEngine.kafka("127.0.0.1:9", "direct-producer", "secret")
                        .kafkaProperty("linger.ms", "soon")
                        .build());
    }

    @Test
    void idsAreDistinctVersion4Uuids() {
        try (var client = unreachable()) {
            var ids = new java.util.HashSet<java.util.UUID>();
            for (int i = 0; i < 10_000; i++) {
                ids.add(client.recordRender(Usage.builder("support-reply", 3)).id());
            }

            assertThat(ids).hasSize(10_000).allSatisfy(id -> {
                assertThat(id.version()).isEqualTo(4);
                assertThat(id.variant()).isEqualTo(2);
            });
        }
    }

    private static Map<String, Object> mapWithNull() {
        var map = new java.util.LinkedHashMap<String, Object>();
        map.put("name", "Ada");
        map.put("missing", null);
        map.put("n", java.util.List.of(1, 2.5, true));
        return map;
    }
}
