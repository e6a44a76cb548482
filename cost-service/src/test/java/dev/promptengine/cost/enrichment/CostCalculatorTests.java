package dev.promptengine.cost.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.cost.pricing.Price;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CostCalculatorTests {

    static Price price(
            String input,
            String output,
            String cached,
            String cacheWrite,
            String reasoning,
            Long threshold,
            String longInput,
            String longOutput) {
        return new Price(
                UUID.randomUUID(),
                "p",
                "m",
                null,
                dec(input),
                dec(output),
                dec(cached),
                dec(cacheWrite),
                dec(reasoning),
                threshold,
                dec(longInput),
                dec(longOutput),
                Instant.EPOCH,
                null,
                "test",
                Instant.EPOCH);
    }

    static Price simple(String input, String output) {
        return price(input, output, null, null, null, null, null, null);
    }

    static BigDecimal dec(String value) {
        return value == null ? null : new BigDecimal(value);
    }

    static TokenCounts tokens(long input, long cached, long cacheWrite, long output, long reasoning) {
        return new TokenCounts(input, cached, cacheWrite, output, reasoning);
    }

    @Test
    void seedWorkedExampleCostsExactly00375() {
        // 0.03 and 0.015 per 1K tokens are 30 and 15 per 1M
        var cost = CostCalculator.cost(simple("30", "15"), tokens(1_000, 0, 0, 500, 0));

        assertThat(cost.input()).isEqualByComparingTo("0.03");
        assertThat(cost.output()).isEqualByComparingTo("0.0075");
        assertThat(cost.total()).isEqualByComparingTo("0.0375");
    }

    @Test
    void cachedTokensArePricedAtTheCacheReadPriceAndNotAgainAsInput() {
        var price = price("2.5", "10", "1.25", null, null, null, null, null);

        var cost = CostCalculator.cost(price, tokens(10_000, 8_000, 0, 0, 0));

        assertThat(cost.input()).isEqualByComparingTo("0.005"); // 2,000 uncached x 2.5 / 1M
        assertThat(cost.cachedInput()).isEqualByComparingTo("0.01"); // 8,000 x 1.25 / 1M
        assertThat(cost.total()).isEqualByComparingTo("0.015");
    }

    @Test
    void cacheWritesArePricedAtTheCacheWritePrice() {
        var price = price("3", "15", "0.3", "3.75", null, null, null, null);

        var cost = CostCalculator.cost(price, tokens(3_000, 1_000, 1_000, 0, 0));

        assertThat(cost.input()).isEqualByComparingTo("0.003");
        assertThat(cost.cachedInput()).isEqualByComparingTo("0.0003");
        assertThat(cost.cacheWrite()).isEqualByComparingTo("0.00375");
        assertThat(cost.total()).isEqualByComparingTo("0.00705");
    }

    @Test
    void cacheTokensWithoutCachePricesCostTheInputPrice() {
        var cost = CostCalculator.cost(simple("2", "8"), tokens(1_000, 400, 100, 0, 0));

        assertThat(cost.input()).isEqualByComparingTo("0.001");
        assertThat(cost.cachedInput()).isEqualByComparingTo("0.0008");
        assertThat(cost.cacheWrite()).isEqualByComparingTo("0.0002");
        assertThat(cost.total()).isEqualByComparingTo("0.002");
    }

    @Test
    void reasoningTokensArePartOfOutputWhenTheRowHasNoReasoningPrice() {
        var cost = CostCalculator.cost(simple("1", "10"), tokens(0, 0, 0, 1_000, 600));

        assertThat(cost.output()).isEqualByComparingTo("0.01");
        assertThat(cost.reasoning()).isEqualByComparingTo("0");
        assertThat(cost.total()).isEqualByComparingTo("0.01");
    }

    @Test
    void reasoningTokensArePricedApartOnceWhenTheRowHasAReasoningPrice() {
        var price = price("1", "10", null, null, "20", null, null, null);

        var cost = CostCalculator.cost(price, tokens(0, 0, 0, 1_000, 600));

        assertThat(cost.output()).isEqualByComparingTo("0.004"); // 400 x 10 / 1M
        assertThat(cost.reasoning()).isEqualByComparingTo("0.012"); // 600 x 20 / 1M
        assertThat(cost.total()).isEqualByComparingTo("0.016");
    }

    @Test
    void longContextTierAppliesAboveItsThreshold() {
        var price = price("3", "15", "0.3", null, null, 200_000L, "6", "22.5");

        var below = CostCalculator.cost(price, tokens(200_000, 0, 0, 1_000, 0));
        var above = CostCalculator.cost(price, tokens(200_001, 1, 0, 1_000, 0));

        assertThat(below.longContextApplied()).isFalse();
        assertThat(below.total()).isEqualByComparingTo("0.615"); // 0.6 + 0.015
        assertThat(above.longContextApplied()).isTrue();
        assertThat(above.input()).isEqualByComparingTo("1.2"); // 200,000 x 6 / 1M
        assertThat(above.cachedInput()).isEqualByComparingTo("0.0000003");
        assertThat(above.output()).isEqualByComparingTo("0.0225");
    }

    @Test
    void keepsEveryFractionalDigit() {
        var cost = CostCalculator.cost(simple("0.000001", "0.123456789012"), tokens(1, 0, 0, 1, 0));

        assertThat(cost.input()).isEqualByComparingTo("0.000000000001");
        assertThat(cost.output()).isEqualByComparingTo("0.000000123456789012");
        assertThat(cost.total().toPlainString()).isEqualTo("0.000000123457789012");
    }

    @Test
    void rejectsCacheTokensThatExceedInput() {
        assertThatThrownBy(() -> tokens(100, 80, 30, 0, 0))
                .isInstanceOf(TokenCounts.InvalidTokenCountsException.class)
                .hasMessageContaining("exceed input_tokens");
    }

    @Test
    void rejectsReasoningTokensThatExceedOutput() {
        assertThatThrownBy(() -> tokens(0, 0, 0, 10, 11)).hasMessageContaining("reasoning_tokens (11) exceed");
    }

    @Test
    void rejectsNegativeCounts() {
        assertThatThrownBy(() -> tokens(-1, 0, 0, 0, 0)).hasMessageContaining("input_tokens is negative");
    }
}
