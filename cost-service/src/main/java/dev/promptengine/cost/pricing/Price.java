package dev.promptengine.cost.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One catalog row: USD per 1M tokens for each token type, valid from {@code effectiveFrom}
 * (inclusive) until {@code effectiveUntil} (exclusive, open when null). Optional prices are null
 * when the provider does not bill that token type apart.
 */
public record Price(
        UUID id,
        String provider,
        String model,
        String matchPattern,
        BigDecimal inputPer1m,
        BigDecimal outputPer1m,
        BigDecimal cachedInputPer1m,
        BigDecimal cacheWritePer1m,
        BigDecimal reasoningPer1m,
        Long longContextThreshold,
        BigDecimal longContextInputPer1m,
        BigDecimal longContextOutputPer1m,
        Instant effectiveFrom,
        Instant effectiveUntil,
        String source,
        Instant updatedAt) {

    public boolean effectiveAt(Instant at) {
        return !at.isBefore(effectiveFrom) && (effectiveUntil == null || at.isBefore(effectiveUntil));
    }
}
