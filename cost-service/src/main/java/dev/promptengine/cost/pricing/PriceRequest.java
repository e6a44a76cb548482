package dev.promptengine.cost.pricing;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;
import java.time.Instant;

/** A catalog row as clients create or replace it (snake_case JSON). USD per 1M tokens. */
record PriceRequest(
        @NotBlank String provider,
        @NotBlank String model,
        String matchPattern,
        @NotNull @PositiveOrZero BigDecimal inputPer1m,
        @NotNull @PositiveOrZero BigDecimal outputPer1m,
        @PositiveOrZero BigDecimal cachedInputPer1m,
        @PositiveOrZero BigDecimal cacheWritePer1m,
        @PositiveOrZero BigDecimal reasoningPer1m,
        @Positive Long longContextThreshold,
        @PositiveOrZero BigDecimal longContextInputPer1m,
        @PositiveOrZero BigDecimal longContextOutputPer1m,
        @NotNull Instant effectiveFrom,
        Instant effectiveUntil,
        String source) {}
