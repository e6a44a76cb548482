package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.query.WindowTotals.Totals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a rule watches, and how its value and volume come out of a window's totals. */
enum Metric {
    COST,
    EXECUTIONS,
    ERROR_RATE,
    P95_LATENCY_MS,
    P99_LATENCY_MS,
    TOKENS,
    UNPRICED_EXECUTIONS,
    USAGES;

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    String parameterValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Metric parse(String value) {
        for (Metric metric : values()) {
            if (metric.parameterValue().equals(value)) {
                return metric;
            }
        }
        throw new InvalidParameterException(
                "metric",
                "'metric' must be one of " + names() + "; got " + (value == null ? "nothing" : "'" + value + "'"));
    }

    static String names() {
        return Arrays.stream(values()).map(Metric::parameterValue).collect(Collectors.joining(", "));
    }

    boolean ofUsages() {
        return this == USAGES;
    }

    boolean needsPercentiles() {
        return this == P95_LATENCY_MS || this == P99_LATENCY_MS;
    }

    /**
     * The metric over a window; null when it has no value (a rate or latency without executions).
     * Error rate is a percentage (errors and timeouts over executions), latencies milliseconds.
     */
    BigDecimal value(Totals totals, long usages) {
        return switch (this) {
            case COST -> totals.totalCost();
            case EXECUTIONS -> BigDecimal.valueOf(totals.executions());
            case ERROR_RATE ->
                totals.executions() == 0
                        ? null
                        : BigDecimal.valueOf(totals.errors())
                                .multiply(HUNDRED)
                                .divide(BigDecimal.valueOf(totals.executions()), 4, RoundingMode.HALF_EVEN);
            case P95_LATENCY_MS -> latency(totals.p95());
            case P99_LATENCY_MS -> latency(totals.p99());
            case TOKENS -> BigDecimal.valueOf(totals.totalTokens());
            case UNPRICED_EXECUTIONS -> BigDecimal.valueOf(totals.unpricedExecutions());
            case USAGES -> BigDecimal.valueOf(usages);
        };
    }

    /** What the minimum volume counts: usages for the usage metric, executions for every other. */
    long volume(Totals totals, long usages) {
        return this == USAGES ? usages : totals.executions();
    }

    private static BigDecimal latency(Double ms) {
        return ms == null ? null : BigDecimal.valueOf(ms).setScale(1, RoundingMode.HALF_EVEN);
    }
}
