package dev.promptengine.cost.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PriceIndexTests {

    static final Instant JAN_2024 = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant OCT_2024 = Instant.parse("2024-10-02T00:00:00Z");

    static Price price(String provider, String model, String pattern, String input, Instant from, Instant until) {
        return new Price(
                UUID.randomUUID(),
                provider,
                model,
                pattern,
                new BigDecimal(input),
                new BigDecimal("10"),
                null,
                null,
                null,
                null,
                null,
                null,
                from,
                until,
                "test",
                JAN_2024);
    }

    static PricingProperties properties(List<PricingProperties.ModelAlias> aliases) {
        return new PricingProperties(
                aliases, Map.of("gemini", "google"), true, Duration.ofMillis(200), Duration.ofSeconds(60));
    }

    final Price gpt4oSeed =
            price("openai", "gpt-4o", "(?i)(openai/)?gpt-4o(-\\d{4}-\\d{2}-\\d{2})?", "5", JAN_2024, OCT_2024);
    final Price gpt4oNow =
            price("openai", "gpt-4o", "(?i)(openai/)?gpt-4o(-\\d{4}-\\d{2}-\\d{2})?", "2.5", OCT_2024, null);
    final Price gpt4oMay = price("openai", "gpt-4o-2024-05-13", null, "5", JAN_2024, null);
    final Price bedrockHaiku = price(
            "bedrock",
            "anthropic.claude-3-haiku-20240307-v1:0",
            "(?i)((us|eu|apac)\\.)?anthropic\\.claude-3-haiku-20240307-v1:0",
            "0.25",
            JAN_2024,
            null);
    final Price gemini = price("google", "gemini-2.5-pro", null, "1.25", JAN_2024, null);
    final Price plainMistral = price("mistral", "mistral-large-latest", null, "0.5", JAN_2024, null);

    final PriceIndex index = new PriceIndex(
            List.of(gpt4oSeed, gpt4oNow, gpt4oMay, bedrockHaiku, gemini, plainMistral),
            properties(List.of(new PricingProperties.ModelAlias("azure", "prod-chat", "openai", "gpt-4o"))));

    @Test
    void exactProviderAndModelWinsOverAPatternThatAlsoMatches() {
        var resolution = index.resolve("openai", "gpt-4o-2024-05-13", OCT_2024.plusSeconds(1));

        assertThat(resolution).hasValueSatisfying(found -> {
            assertThat(found.price()).isEqualTo(gpt4oMay);
            assertThat(found.matchedRule()).isEqualTo("exact");
        });
    }

    @Test
    void exactMatchIgnoresCaseAndSurroundingBlanks() {
        assertThat(index.resolve("OpenAI", " GPT-4o ", OCT_2024))
                .hasValueSatisfying(found -> assertThat(found.price()).isEqualTo(gpt4oNow));
    }

    @Test
    void datedSnapshotMatchesThePatternOfItsModel() {
        var resolution = index.resolve("openai", "gpt-4o-2024-08-06", OCT_2024);

        assertThat(resolution).hasValueSatisfying(found -> {
            assertThat(found.price()).isEqualTo(gpt4oNow);
            assertThat(found.matchedRule()).startsWith("pattern:");
        });
    }

    @Test
    void openaiPrefixMatchesThroughThePattern() {
        assertThat(index.resolve("openai", "openai/gpt-4o", OCT_2024))
                .hasValueSatisfying(found -> assertThat(found.price()).isEqualTo(gpt4oNow));
    }

    @Test
    void bedrockRegionPrefixMatchesThroughThePattern() {
        assertThat(index.resolve("bedrock", "eu.anthropic.claude-3-haiku-20240307-v1:0", OCT_2024))
                .hasValueSatisfying(found -> {
                    assertThat(found.price()).isEqualTo(bedrockHaiku);
                    assertThat(found.matchedRule()).startsWith("pattern:");
                });
    }

    @Test
    void routingAndRegionPrefixesAreStrippedForRowsWithoutPattern() {
        assertThat(index.resolve("mistral", "mistral/mistral-large-latest", OCT_2024))
                .hasValueSatisfying(found -> {
                    assertThat(found.price()).isEqualTo(plainMistral);
                    assertThat(found.matchedRule()).isEqualTo("prefix:mistral-large-latest->exact");
                });
        assertThat(index.resolve("mistral", "us.mistral-large-latest", OCT_2024))
                .hasValueSatisfying(found -> assertThat(found.price()).isEqualTo(plainMistral));
    }

    @Test
    void configuredAliasMapsAnAzureDeploymentNameToItsModel() {
        var resolution = index.resolve("azure", "prod-chat", OCT_2024);

        assertThat(resolution).hasValueSatisfying(found -> {
            assertThat(found.price()).isEqualTo(gpt4oNow);
            assertThat(found.matchedRule()).isEqualTo("alias:azure/prod-chat->exact");
        });
    }

    @Test
    void providerAliasFindsTheCanonicalProvider() {
        assertThat(index.resolve("gemini", "gemini-2.5-pro", OCT_2024))
                .hasValueSatisfying(found -> assertThat(found.price()).isEqualTo(gemini));
    }

    @Test
    void eventTimeExactlyAtEffectiveFromUsesTheNewRow() {
        assertThat(index.resolve("openai", "gpt-4o", OCT_2024))
                .hasValueSatisfying(found -> assertThat(found.price()).isEqualTo(gpt4oNow));
    }

    @Test
    void eventTimeJustBeforeEffectiveUntilUsesTheOldRow() {
        assertThat(index.resolve("openai", "gpt-4o", OCT_2024.minusMillis(1)))
                .hasValueSatisfying(found -> assertThat(found.price()).isEqualTo(gpt4oSeed));
    }

    @Test
    void eventTimeExactlyAtEffectiveFromOfTheFirstRowIsPriced() {
        assertThat(index.resolve("openai", "gpt-4o", JAN_2024))
                .hasValueSatisfying(found -> assertThat(found.price()).isEqualTo(gpt4oSeed));
    }

    @Test
    void eventTimeBeforeAnyRowIsUnpriced() {
        assertThat(index.resolve("openai", "gpt-4o", JAN_2024.minusMillis(1))).isEmpty();
    }

    @Test
    void eventTimeAtEffectiveUntilOfAClosedRowWithoutSuccessorIsUnpriced() {
        var closed = price("openai", "gpt-old", null, "1", JAN_2024, OCT_2024);
        var closedIndex = new PriceIndex(List.of(closed), properties(List.of()));

        assertThat(closedIndex.resolve("openai", "gpt-old", OCT_2024.minusMillis(1)))
                .isPresent();
        assertThat(closedIndex.resolve("openai", "gpt-old", OCT_2024)).isEmpty();
    }

    @Test
    void unknownModelIsUnpriced() {
        assertThat(index.resolve("openai", "gpt-9-ultra", OCT_2024)).isEmpty();
        assertThat(index.resolve("someone", "gpt-4o", OCT_2024)).isEmpty();
    }

    @Test
    void patternOfAnotherModelDoesNotMatchALongerName() {
        assertThat(index.resolve("openai", "gpt-4o-mini", OCT_2024)).isEmpty();
    }

    @Test
    void aPatternThatWouldBacktrackExponentiallyMatchesInLinearTime() {
        // (a+)+b against 40 a's and a c: about 2^40 steps for a backtracking engine, hours; RE2 is linear
        var nested = price("acme", "acme-nested", "(a+)+b", "1", JAN_2024, null);
        var index = new PriceIndex(List.of(nested), properties(List.of()));
        long started = System.nanoTime();
        assertThat(index.resolve("acme", "a".repeat(40) + "c", OCT_2024)).isEmpty();
        assertThat(index.resolve("acme", "a".repeat(40) + "b", OCT_2024)).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aPatternRe2CannotCompileIsSkippedAndTheRowStillPricesItsExactModel() {
        // as if written to the pricing topic by an older version or another producer
        var lookahead = price("acme", "acme-exact", "(?=acme)acme-.*", "2", JAN_2024, null);
        var index = new PriceIndex(List.of(lookahead, plainMistral), properties(List.of()));
        assertThat(index.resolve("acme", "acme-exact", OCT_2024)).isPresent();
        assertThat(index.resolve("acme", "acme-other", OCT_2024)).isEmpty();
        assertThat(index.resolve("mistral", "mistral-large-latest", OCT_2024)).isPresent();
        assertThat(MatchPatterns.problem("(?=acme)acme-.*")).contains("not a valid RE2 regular expression");
        assertThat(MatchPatterns.problem("x".repeat(501))).contains("at most 500 characters");
        assertThat(MatchPatterns.problem("(?i)(openai/)?gpt-4o(-\\d{4}-\\d{2}-\\d{2})?"))
                .isNull();
    }
}
