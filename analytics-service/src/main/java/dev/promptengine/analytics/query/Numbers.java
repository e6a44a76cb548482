package dev.promptengine.analytics.query;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How numbers appear in answers: money as an exact decimal string (never a binary float), rates as
 * percentages rounded half-up to one decimal, averages to two decimals, latency percentiles to one.
 */
public final class Numbers {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Numbers() {}

    /** The exact amount, without trailing zeros or exponent: {@code "0.0123"}, {@code "12"}, {@code "0"}. */
    public static String money(BigDecimal amount) {
        if (amount == null || amount.signum() == 0) {
            return "0";
        }
        return amount.stripTrailingZeros().toPlainString();
    }

    /** {@code part / total} as a percentage with one decimal; 0.0 when total is 0. */
    public static BigDecimal percent(long part, long total) {
        if (total == 0) {
            return BigDecimal.ZERO.setScale(1);
        }
        return BigDecimal.valueOf(part).multiply(HUNDRED).divide(BigDecimal.valueOf(total), 1, RoundingMode.HALF_UP);
    }

    /** {@code sum / count} with two decimals; 0.00 when count is 0. */
    public static BigDecimal average(long sum, long count) {
        if (count == 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_UP);
    }

    /** Exact {@code amount / count} as a money string (rounded half-up to 18 decimals); "0" when count is 0. */
    public static String moneyAverage(BigDecimal amount, long count) {
        if (count == 0 || amount == null) {
            return "0";
        }
        return money(amount.divide(BigDecimal.valueOf(count), 18, RoundingMode.HALF_UP));
    }

    /** A latency estimate in ms with one decimal; null stays null (no executions). */
    public static BigDecimal latency(Double value) {
        return value == null ? null : BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP);
    }
}
