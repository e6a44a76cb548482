package dev.promptengine.analytics.facts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A decoded, validated {@code CostCorrection}: the new cost of the execution {@code key} at cost
 * revision {@code revision}, made by re-pricing run {@code repricingId}. The raw fact and every rollup
 * take it once (see {@link CorrectionWriter}).
 */
record CostRevision(
        FactKey key,
        UUID correctionId,
        UUID repricingId,
        int revision,
        String pricingStatus,
        UUID priceId,
        Integer priceVersion,
        String priceLayer,
        String matchedRule,
        UUID discountId,
        BigDecimal discountPercent,
        String costSource,
        BigDecimal inputCost,
        BigDecimal cachedInputCost,
        BigDecimal cacheWriteCost,
        BigDecimal outputCost,
        BigDecimal reasoningCost,
        BigDecimal totalCost,
        BigDecimal catalogCost,
        BigDecimal providerCost,
        boolean longContextApplied,
        Instant pricedAt) {

    boolean priced() {
        return "priced".equals(pricingStatus);
    }
}
