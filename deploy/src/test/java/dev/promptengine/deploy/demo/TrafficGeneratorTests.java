package dev.promptengine.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.deploy.demo.Events.EventBatch;
import dev.promptengine.deploy.demo.Events.Execution;
import dev.promptengine.deploy.demo.Events.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TrafficGeneratorTests {

    private static final Instant END = Instant.parse("2026-11-27T12:00:00Z");
    private static final Duration SPAN = Duration.ofHours(72);

    @Test
    void everyExecutionBelongsToAUsageOfItsBatch() {
        // Given a generator
        var generator = new TrafficGenerator(7, END, SPAN);

        // When it makes a batch of 50 executions
        EventBatch batch = generator.nextBatch(50);

        // Then there are exactly 50 executions, each pointing at a usage in the same batch
        assertThat(batch.executions()).hasSize(50);
        var usages = batch.usages().stream().collect(Collectors.toMap(Usage::id, Function.identity()));
        assertThat(batch.executions()).allSatisfy(execution -> {
            Usage usage = usages.get(execution.usageId());
            assertThat(usage).isNotNull();
            assertThat(execution.promptSlug()).isEqualTo(usage.promptSlug());
            assertThat(execution.promptVersion()).isEqualTo(usage.promptVersion());
            assertThat(execution.environment()).isEqualTo(usage.environment());
            assertThat(execution.sessionId()).isEqualTo(usage.sessionId());
            assertThat(execution.userIdentifier()).isEqualTo(usage.userIdentifier());
            assertThat(execution.occurredAt()).isAfterOrEqualTo(usage.occurredAt());
        });
        assertThat(batch.usages()).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void sameSeedGivesTheSameEventsAndIds() {
        // Given two generators with the same seed
        var first = new TrafficGenerator(42, END, SPAN);
        var second = new TrafficGenerator(42, END, SPAN);

        // When both make a batch
        // Then the batches are equal, ids included, so publishing a seed twice sends duplicates
        assertThat(first.nextBatch(100)).isEqualTo(second.nextBatch(100));
    }

    @Test
    void sameSeedGivesTheSameIdsForAnotherWindow() {
        // Given two generators with the same seed whose windows end an hour apart
        var first = new TrafficGenerator(42, END, SPAN).nextBatch(100);
        var second = new TrafficGenerator(42, END.plus(Duration.ofHours(1)), SPAN).nextBatch(100);

        // Then the n-th usage carries the same id in both, so analytics sees duplicates
        int common = Math.min(first.usages().size(), second.usages().size());
        assertThat(second.usages().subList(0, common).stream().map(Usage::id))
                .containsExactlyElementsOf(first.usages().subList(0, common).stream()
                        .map(Usage::id)
                        .toList());
        assertThat(first.usages().stream().map(Usage::id).distinct())
                .hasSize(first.usages().size());
    }

    @Test
    void trafficMixesPromptsVersionsProvidersAndOutcomes() {
        // Given the default demo volume
        List<Execution> executions = executions(2_000);

        // Then it covers several prompts and versions and the five providers
        assertThat(countBy(executions, Execution::promptSlug)).hasSizeGreaterThanOrEqualTo(6);
        assertThat(countBy(executions, e -> e.promptSlug() + " v" + e.promptVersion()))
                .hasSizeGreaterThanOrEqualTo(12);
        assertThat(countBy(executions, Execution::provider).keySet())
                .contains("openai", "anthropic", "google", "mistral");
        assertThat(countBy(executions, Execution::model).keySet())
                .contains("gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "gemini-2.0-flash");

        // And some calls failed or timed out, most succeeded
        Map<String, Long> byStatus = countBy(executions, Execution::status);
        assertThat(byStatus.get("success")).isBetween(1_800L, 1_950L);
        assertThat(byStatus.get("error")).isBetween(40L, 160L);
        assertThat(byStatus.get("timeout")).isBetween(10L, 60L);
        assertThat(countBy(
                        executions.stream()
                                .filter(e -> e.status().equals("error"))
                                .toList(),
                        e -> e.errorMessage().substring(0, 3)))
                .containsKeys("429", "401", "400");
    }

    @Test
    void tokensAddUpAndFailedCallsCarryNoTokens() {
        // Given many executions
        List<Execution> executions = executions(2_000);

        // Then tokens add up, successful calls have a response and failed calls have an error instead
        assertThat(executions).allSatisfy(execution -> {
            assertThat(execution.totalTokens()).isEqualTo(execution.inputTokens() + execution.outputTokens());
            if (execution.reasoningTokens() != null) {
                assertThat(execution.reasoningTokens()).isLessThanOrEqualTo(execution.outputTokens());
            }
            if (execution.status().equals("success")) {
                assertThat(execution.responseContent()).isNotBlank();
                assertThat(execution.errorMessage()).isNull();
                int visible = execution.outputTokens()
                        - (execution.reasoningTokens() == null ? 0 : execution.reasoningTokens());
                assertThat(visible).isPositive().isLessThanOrEqualTo(execution.maxTokens());
                if (execution.cachedInputTokens() != null) {
                    assertThat(execution.cachedInputTokens()).isLessThan(execution.inputTokens());
                }
                if (execution.cacheWriteTokens() != null) {
                    assertThat(execution.cacheWriteTokens()).isLessThan(execution.inputTokens());
                    assertThat(execution.cachedInputTokens()).isNull();
                }
            } else {
                assertThat(execution.errorMessage()).isNotBlank();
                assertThat(execution.totalTokens()).isZero();
            }
        });
        assertThat(executions).anySatisfy(e -> assertThat(e.reasoningTokens()).isNotNull());
        assertThat(executions).anySatisfy(e -> assertThat(e.cachedInputTokens()).isNotNull());
        assertThat(executions).anySatisfy(e -> assertThat(e.cacheWriteTokens()).isNotNull());
    }

    @Test
    void eventTimesFallInTheWindow() {
        // Given a generator over the 72 hours before END
        var batch = new TrafficGenerator(3, END, SPAN).nextBatch(1_000);

        // Then usages happen inside the window and executions finish at most a minute later
        assertThat(batch.usages())
                .allSatisfy(usage -> assertThat(usage.occurredAt()).isBetween(END.minus(SPAN), END));
        assertThat(batch.executions())
                .allSatisfy(execution -> assertThat(execution.occurredAt()).isBefore(END.plusSeconds(61)));
    }

    @Test
    void writesTheIngestContractSnakeCaseWithIsoTimesAndNoNulls() {
        // Given a batch
        EventBatch batch = new TrafficGenerator(11, END, SPAN).nextBatch(20);

        // When it is written as the demo sends it
        var json = DemoTraffic.json();
        JsonNode tree = json.readTree(json.writeValueAsString(batch));

        // Then field names and values follow the HTTP contract
        JsonNode usage = tree.path("usages").get(0);
        assertThat(usage.path("prompt_slug").asString()).isNotBlank();
        assertThat(usage.path("prompt_version").isInt()).isTrue();
        assertThat(Instant.parse(usage.path("occurred_at").asString())).isBetween(END.minus(SPAN), END);
        assertThat(UUID.fromString(usage.path("id").asString()))
                .isEqualTo(batch.usages().get(0).id());
        assertThat(usage.path("parameters").isObject()).isTrue();
        assertThat(usage.path("rendered_system_message").asString()).isNotBlank();

        JsonNode execution = tree.path("executions").get(0);
        assertThat(execution.path("usage_id").asString())
                .isEqualTo(batch.executions().get(0).usageId().toString());
        assertThat(execution.path("status").asString()).isIn("success", "error", "timeout");
        assertThat(execution.path("messages").get(0).path("role").asString()).isEqualTo("system");
        assertThat(execution.path("execution_time_ms").isIntegralNumber()).isTrue();
        assertThat(tree.toString()).doesNotContain("null").doesNotContain("promptSlug");
    }

    private static List<Execution> executions(int count) {
        var generator = new TrafficGenerator(2026, END, SPAN);
        var executions = new ArrayList<Execution>();
        while (executions.size() < count) {
            executions.addAll(generator.nextBatch(50).executions());
        }
        return executions;
    }

    private static <T> Map<String, Long> countBy(List<T> values, Function<T, String> key) {
        return values.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }
}
