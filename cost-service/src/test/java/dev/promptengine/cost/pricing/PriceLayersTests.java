package dev.promptengine.cost.pricing;

import static dev.promptengine.cost.pricing.PriceIndexTests.price;
import static dev.promptengine.cost.pricing.PriceIndexTests.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PriceLayersTests {

    static final Instant MAR_2026 = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant JAN_2024 = PriceIndexTests.JAN_2024;

    final Price sonnet = price("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5(-\\d{8})?", "3", JAN_2024, null);
    final Price haiku = price("anthropic", "claude-haiku-4-5", null, "1", JAN_2024, null);
    final Price acmeSonnet = tenantRow(
            price("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5(-\\d{8})?", "2", JAN_2024, null), "acme");

    static Price tenantRow(Price price, String tenant) {
        return new Price(
                price.id(),
                price.provider(),
                price.model(),
                price.matchPattern(),
                price.inputPer1m(),
                price.outputPer1m(),
                price.cachedInputPer1m(),
                price.cacheWritePer1m(),
                price.reasoningPer1m(),
                price.longContextThreshold(),
                price.longContextInputPer1m(),
                price.longContextOutputPer1m(),
                price.effectiveFrom(),
                price.effectiveUntil(),
                price.source(),
                price.updatedAt(),
                tenant,
                3);
    }

    static Discount discount(String tenant, String provider, String model, String percent, Instant from) {
        return new Discount(
                UUID.randomUUID(), tenant, provider, model, new BigDecimal(percent), from, null, 1, null, from, from);
    }

    @Test
    void aTenantsOwnRowWinsForThatTenantWithTheSameRulesAndIsNeverDiscounted() {
        var everyAnthropic = discount("acme", "anthropic", null, "22", JAN_2024);
        var layers =
                new PriceLayers(List.of(sonnet, haiku, acmeSonnet), List.of(everyAnthropic), properties(List.of()));

        var acme = layers.resolve("acme", "anthropic", "claude-sonnet-4-5-20250929", MAR_2026);
        var globex = layers.resolve("globex", "anthropic", "claude-sonnet-4-5-20250929", MAR_2026);
        var acmeHaiku = layers.resolve("acme", "anthropic", "claude-haiku-4-5", MAR_2026);

        assertThat(acme.layer()).isEqualTo("tenant");
        assertThat(acme.resolution().price()).isEqualTo(acmeSonnet);
        assertThat(acme.resolution().matchedRule()).startsWith("pattern:");
        assertThat(acme.discount()).isNull();
        assertThat(acme.layersConsidered())
                .extracting(LayeredPrice.Considered::layer)
                .containsExactly("tenant");
        assertThat(globex.layer()).isEqualTo("default");
        assertThat(globex.resolution().price()).isEqualTo(sonnet);
        assertThat(globex.discount()).isNull();
        assertThat(globex.layersConsidered())
                .containsExactly(
                        new LayeredPrice.Considered("tenant", "no row", null),
                        new LayeredPrice.Considered(
                                "default", null, globex.resolution().matchedRule()));
        assertThat(acmeHaiku.layer()).isEqualTo("default");
        assertThat(acmeHaiku.discount()).isEqualTo(everyAnthropic);
    }

    @Test
    void aModelSpecificDiscountBeatsTheProviderWideOneAndEachAppliesFromItsStartOnly() {
        var everyAnthropic = discount("acme", "anthropic", null, "22", MAR_2026);
        var haikuOnly = discount("acme", "Anthropic", "CLAUDE-HAIKU-4-5", "50", MAR_2026);
        var layers = new PriceLayers(List.of(sonnet, haiku), List.of(haikuOnly, everyAnthropic), properties(List.of()));

        assertThat(layers.resolve("acme", "anthropic", "claude-haiku-4-5", MAR_2026)
                        .discount())
                .isEqualTo(haikuOnly);
        assertThat(layers.resolve("acme", "anthropic", "claude-sonnet-4-5", MAR_2026)
                        .discount())
                .isEqualTo(everyAnthropic);
        assertThat(layers.resolve("acme", "anthropic", "claude-sonnet-4-5", MAR_2026.minusMillis(1))
                        .discount())
                .isNull();
        assertThat(layers.resolve(null, "anthropic", "claude-sonnet-4-5", MAR_2026)
                        .discount())
                .isNull();
    }

    @Test
    void nothingInEitherLayerIsUnpricedAndSaysSo() {
        var layers = new PriceLayers(List.of(sonnet), List.of(), properties(List.of()));

        var unknown = layers.resolve("acme", "anthropic", "claude-unknown", MAR_2026);

        assertThat(unknown.priced()).isFalse();
        assertThat(unknown.layersConsidered())
                .extracting(LayeredPrice.Considered::result)
                .containsExactly("no row", "no row");
    }

    @Test
    void aDiscountTakesItsPercentOffExactly() {
        var discount = discount("acme", "anthropic", null, "22", MAR_2026);

        assertThat(discount.applyTo(new BigDecimal("0.01"))).isEqualByComparingTo("0.0078");
        assertThat(discount.applyTo(new BigDecimal("0.000000000000000100")).toPlainString())
                .isEqualTo("0.000000000000000078");
        assertThat(discount("acme", "anthropic", null, "100", MAR_2026).applyTo(new BigDecimal("3")))
                .isEqualByComparingTo("0");
        assertThat(discount("acme", "anthropic", null, "12.5", MAR_2026).applyTo(new BigDecimal("0.08")))
                .isEqualByComparingTo("0.07");
    }
}
