package dev.promptengine.cost.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class DefaultCatalogTests {

    static final Instant SEED_START = Instant.parse("2024-01-01T00:00:00Z");

    final List<DefaultCatalog.Entry> entries = DefaultCatalog.entries(JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build());

    final PriceIndex index = new PriceIndex(
            entries.stream()
                    .map(entry -> PriceCatalog.toPrice(UUID.randomUUID(), entry.request(), SEED_START))
                    .toList(),
            new PricingProperties(
                    List.of(), Map.of("gemini", "google"), true, Duration.ofMillis(200), Duration.ofSeconds(60)));

    @Test
    void holdsTheSeedsFivePricesConvertedToPer1mFrom20240101() {
        var seedRows = entries.stream()
                .filter(entry -> entry.source().startsWith("PromptEngine seed"))
                .toList();

        assertThat(seedRows)
                .extracting(
                        DefaultCatalog.Entry::model,
                        entry -> entry.inputPer1m().stripTrailingZeros().toPlainString(),
                        entry -> entry.outputPer1m().stripTrailingZeros().toPlainString(),
                        DefaultCatalog.Entry::effectiveFrom)
                .containsExactlyInAnyOrder(
                        tuple("gpt-4o", "5", "15", SEED_START),
                        tuple("gpt-4o-mini", "0.15", "0.6", SEED_START),
                        tuple("gpt-3.5-turbo", "0.5", "1.5", SEED_START),
                        tuple("claude-3-5-sonnet-20241022", "3", "15", SEED_START),
                        tuple("claude-3-haiku-20240307", "0.25", "1.25", SEED_START));
    }

    @Test
    void everyRowIsValidAndNoRangesOverlap() {
        entries.forEach(entry -> PriceCatalog.validate(entry.request()));
        var byModel = entries.stream()
                .collect(Collectors.groupingBy(
                        entry -> entry.provider() + "/" + entry.model().toLowerCase()));
        byModel.values().forEach(rows -> {
            var sorted = rows.stream()
                    .sorted(java.util.Comparator.comparing(DefaultCatalog.Entry::effectiveFrom))
                    .toList();
            for (int i = 1; i < sorted.size(); i++) {
                // the older row ends exactly where the newer begins
                assertThat(sorted.get(i - 1).effectiveUntil())
                        .isEqualTo(sorted.get(i).effectiveFrom());
            }
        });
    }

    @Test
    void everyRowIsFoundByItsOwnNameAndOnlyItsOwnPatternMatches() {
        for (var entry : entries) {
            Instant at = entry.effectiveFrom();
            assertThat(index.resolve(entry.provider(), entry.model(), at))
                    .as(entry.key())
                    .hasValueSatisfying(found -> {
                        assertThat(found.price().model()).isEqualTo(entry.model());
                        assertThat(found.matchedRule()).isEqualTo("exact");
                    });
        }
    }

    @Test
    void resolvesTheNamesProvidersActuallyReport() {
        Instant now = Instant.parse("2026-07-01T00:00:00Z");
        Map<String, String> expectations = Map.of(
                "openai|gpt-4o-2024-11-20", "gpt-4o",
                "openai|openai/gpt-4.1-mini-2025-04-14", "gpt-4.1-mini",
                "anthropic|claude-sonnet-4-5-20250929", "claude-sonnet-4-5",
                "bedrock|eu.anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic.claude-3-5-sonnet-20241022-v2:0",
                "bedrock|us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock|global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "gemini|models/gemini-2.5-flash", "gemini-2.5-flash",
                "mistral|mistral/mistral-large-latest", "mistral-large-latest",
                "xai|grok-4-1-fast-reasoning", "grok-4-1-fast",
                "openai|gpt-4o-mini-2024-07-18", "gpt-4o-mini");
        expectations.forEach((name, model) -> {
            var parts = name.split("\\|");
            assertThat(index.resolve(parts[0], parts[1], now))
                    .as(name)
                    .hasValueSatisfying(
                            found -> assertThat(found.price().model()).isEqualTo(model));
        });
    }
}
