package dev.promptengine.schemas;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact USD amounts as the event contract carries them: Avro decimal(38, 18), never rounded. */
public final class Money {

    public static final int SCALE = 18;

    /**
     * The amount at the contract's scale. Fails rather than round when it has more than 18
     * fractional digits.
     */
    public static BigDecimal toEventScale(BigDecimal amount) {
        return amount == null ? null : amount.setScale(SCALE, RoundingMode.UNNECESSARY);
    }

    private Money() {}
}
