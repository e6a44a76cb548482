package dev.promptengine.cost.pricing;

import com.fasterxml.jackson.annotation.JsonProperty;
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
        @JsonProperty("input_per_1m") BigDecimal inputPer1m,
        @JsonProperty("output_per_1m") BigDecimal outputPer1m,
        @JsonProperty("cached_input_per_1m") BigDecimal cachedInputPer1m,
        @JsonProperty("cache_write_per_1m") BigDecimal cacheWritePer1m,
        @JsonProperty("reasoning_per_1m") BigDecimal reasoningPer1m,
        Long longContextThreshold,
        @JsonProperty("long_context_input_per_1m") BigDecimal longContextInputPer1m,
        @JsonProperty("long_context_output_per_1m") BigDecimal longContextOutputPer1m,
        Instant effectiveFrom,
        Instant effectiveUntil,
        String source,
        Instant updatedAt) {

    public boolean effectiveAt(Instant at) {
        return !at.isBefore(effectiveFrom) && (effectiveUntil == null || at.isBefore(effectiveUntil));
    }
}
