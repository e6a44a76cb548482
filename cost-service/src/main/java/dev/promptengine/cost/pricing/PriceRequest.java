package dev.promptengine.cost.pricing;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A catalog row as clients create or replace it (snake_case JSON). USD per 1M tokens. {@code tenant}
 * names the layer (null: the default catalog; a tenant admin's rows are always its own tenant's);
 * {@code reason} goes into the row's history.
 */
record PriceRequest(
        @NotBlank String provider,
        @NotBlank String model,
        String matchPattern,

        @JsonProperty("input_per_1m") @NotNull @PositiveOrZero
        BigDecimal inputPer1m,

        @JsonProperty("output_per_1m") @NotNull @PositiveOrZero
        BigDecimal outputPer1m,

        @JsonProperty("cached_input_per_1m") @PositiveOrZero BigDecimal cachedInputPer1m,
        @JsonProperty("cache_write_per_1m") @PositiveOrZero BigDecimal cacheWritePer1m,
        @JsonProperty("reasoning_per_1m") @PositiveOrZero BigDecimal reasoningPer1m,
        @Positive Long longContextThreshold,

        @JsonProperty("long_context_input_per_1m") @PositiveOrZero
        BigDecimal longContextInputPer1m,

        @JsonProperty("long_context_output_per_1m") @PositiveOrZero
        BigDecimal longContextOutputPer1m,

        @NotNull Instant effectiveFrom,
        Instant effectiveUntil,
        String source,
        @Size(min = 1, max = 64) String tenant,
        @Size(max = PriceRequest.MAX_REASON) String reason) {

    static final int MAX_REASON = 500;
}
