package dev.promptengine.cost.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A tenant's percentage off the default catalog ({@code price_discounts}): for one provider's every
 * model ({@code model} null) or one model, effective from {@code effectiveFrom} (inclusive) until
 * {@code effectiveUntil} (exclusive, open when null) in event time. {@code percent} 22 is 22 % off.
 */
@Table("price_discounts")
public record Discount(
        @Id UUID id,
        String tenant,
        String provider,
        String model,
        BigDecimal percent,
        Instant effectiveFrom,
        Instant effectiveUntil,
        int version,
        String source,
        Instant createdAt,
        Instant updatedAt) {

    public boolean effectiveAt(Instant at) {
        return !at.isBefore(effectiveFrom) && (effectiveUntil == null || at.isBefore(effectiveUntil));
    }

    /** What remains of an amount after the discount: amount × (1 − percent/100), exact. */
    public BigDecimal applyTo(BigDecimal amount) {
        return amount == null
                ? null
                : amount.multiply(BigDecimal.ONE.subtract(percent.movePointLeft(2)))
                        .stripTrailingZeros();
    }
}
