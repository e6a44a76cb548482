package dev.promptengine.cost.pricing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One catalog row: USD per 1M tokens for each token type, valid from {@code effectiveFrom}
 * (inclusive) until {@code effectiveUntil} (exclusive, open when null). Optional prices are null
 * when the provider does not bill that token type apart. {@code tenant} is null for the shared
 * default catalog, else the tenant whose own row this is; {@code version} grows with every edit.
 */
@JsonIgnoreProperties(value = "layer", allowGetters = true)
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
        Instant updatedAt,
        String tenant,
        int version) {

    public static final String DEFAULT_LAYER = "default";
    public static final String TENANT_LAYER = "tenant";

    /** A default-catalog row at version 1. */
    public Price(
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
        this(
                id,
                provider,
                model,
                matchPattern,
                inputPer1m,
                outputPer1m,
                cachedInputPer1m,
                cacheWritePer1m,
                reasoningPer1m,
                longContextThreshold,
                longContextInputPer1m,
                longContextOutputPer1m,
                effectiveFrom,
                effectiveUntil,
                source,
                updatedAt,
                null,
                1);
    }

    /** {@code default} for the shared catalog, {@code tenant} for a tenant's own row. */
    @JsonProperty("layer")
    public String layer() {
        return tenant == null ? DEFAULT_LAYER : TENANT_LAYER;
    }

    Price withVersion(int newVersion) {
        return new Price(
                id,
                provider,
                model,
                matchPattern,
                inputPer1m,
                outputPer1m,
                cachedInputPer1m,
                cacheWritePer1m,
                reasoningPer1m,
                longContextThreshold,
                longContextInputPer1m,
                longContextOutputPer1m,
                effectiveFrom,
                effectiveUntil,
                source,
                updatedAt,
                tenant,
                newVersion);
    }

    public boolean effectiveAt(Instant at) {
        return !at.isBefore(effectiveFrom) && (effectiveUntil == null || at.isBefore(effectiveUntil));
    }
}
