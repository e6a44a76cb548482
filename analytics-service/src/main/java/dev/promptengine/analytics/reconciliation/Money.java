package dev.promptengine.analytics.reconciliation;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money and drift as the API answers them (the query package's conventions, docs/analytics-api.md). */
final class Money {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Money() {}

    /** The exact amount as a string without trailing zeros or exponent; "0" for zero or none. */
    static String text(BigDecimal amount) {
        if (amount == null || amount.signum() == 0) {
            return "0";
        }
        return amount.stripTrailingZeros().toPlainString();
    }

    /** {@code difference} relative to {@code base} in percent, one decimal half-up; null when base is 0. */
    static BigDecimal percent(BigDecimal difference, BigDecimal base) {
        if (base == null || base.signum() == 0) {
            return null;
        }
        return difference.multiply(HUNDRED).divide(base, 1, RoundingMode.HALF_UP);
    }

    static BigDecimal orZero(BigDecimal amount) {
        return amount == null ? BigDecimal.ZERO : amount;
    }
}
