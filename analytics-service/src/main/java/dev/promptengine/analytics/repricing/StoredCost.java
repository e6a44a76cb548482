package dev.promptengine.analytics.repricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A stored execution as re-pricing reads it: identity, what prices it, and its cost now. */
record StoredCost(
        String tenant,
        UUID id,
        Instant occurredAt,
        UUID usageId,
        String promptSlug,
        int promptVersion,
        String provider,
        String model,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        BigDecimal reportedCost,
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
        boolean longContextApplied,
        Instant pricedAt) {

    boolean priced() {
        return "priced".equals(pricingStatus);
    }

    /**
     * Whether the quote changes what this execution costs: its status, what priced it, or any amount
     * (compared as numbers: 0.5 equals 0.500), the catalog's cost kept beside a reported one included
     * (reconciliation compares it). A new version of the same row with the same numbers is
     * not a change, so re-running a re-pricing changes nothing.
     */
    boolean changedBy(PriceQuotes.Quote quote) {
        return !pricingStatus.equals(lower(quote.pricingStatus()))
                || !costSource.equals(source(quote))
                || !Objects.equals(priceId, quote.priceId())
                || !Objects.equals(discountId, quote.discountId())
                || differ(inputCost, quote.inputCost())
                || differ(cachedInputCost, quote.cachedInputCost())
                || differ(cacheWriteCost, quote.cacheWriteCost())
                || differ(outputCost, quote.outputCost())
                || differ(reasoningCost, quote.reasoningCost())
                || differ(totalCost, quote.totalCost())
                || differ(catalogCost, quote.catalogCost());
    }

    static String source(PriceQuotes.Quote quote) {
        String source = lower(quote.costSource());
        if ("priced".equals(lower(quote.pricingStatus())) && (source == null || source.equals("unknown"))) {
            return "catalog";
        }
        return source == null ? "unknown" : source;
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean differ(BigDecimal a, BigDecimal b) {
        if (a == null || b == null) {
            return a != b;
        }
        return a.compareTo(b) != 0;
    }
}
