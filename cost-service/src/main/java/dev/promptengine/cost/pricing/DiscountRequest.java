package dev.promptengine.cost.pricing;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A tenant discount as clients create or replace it: {@code percent} off (0 < percent <= 100, at
 * most {@value #MAX_PERCENT_SCALE} fractional digits) every default-catalog price of
 * {@code provider} ({@code model} absent) or of one model. {@code tenant} is implied for a tenant
 * admin and required from a platform admin.
 */
record DiscountRequest(
        @Size(min = 1, max = 64) String tenant,
        @NotBlank String provider,
        @Size(min = 1, max = 200) String model,
        @NotNull @Positive @DecimalMax("100") BigDecimal percent,
        @NotNull Instant effectiveFrom,
        Instant effectiveUntil,
        @Size(max = 200) String source,
        @Size(max = PriceRequest.MAX_REASON) String reason) {

    /** Two fractional digits at most: 12.5 and 33.33 are fine, 33.333 is not (see docs/pricing.md, "Discounts"). */
    static final int MAX_PERCENT_SCALE = 2;
}
