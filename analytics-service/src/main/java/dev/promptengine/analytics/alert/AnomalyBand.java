package dev.promptengine.analytics.alert;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The usual band of an hour: the median of the same hour of the week over the past weeks, plus or
 * minus k robust standard deviations, estimated as 1.4826 × MAD (the median absolute deviation,
 * scaled to a normal distribution's standard deviation). A few weeks estimate the spread poorly (four
 * nearly equal weeks give a MAD near 0), so the deviation is at least a tenth of the median: an hour
 * within k × 10 % of its usual value is never an anomaly. Exact decimals throughout (no division but
 * halving).
 */
record AnomalyBand(BigDecimal median, BigDecimal deviation, BigDecimal lower, BigDecimal upper) {

    static final BigDecimal MAD_TO_SIGMA = new BigDecimal("1.4826");
    static final BigDecimal MIN_RELATIVE_DEVIATION = new BigDecimal("0.1");
    /** Baseline hours with traffic below which there is no band (a new or rarely used scope). */
    static final int MIN_BASELINE_WITH_TRAFFIC = 3;

    private static final BigDecimal TWO = BigDecimal.valueOf(2);

    /** A baseline hour: the metric's value (null: none, a rate without executions) and its volume. */
    record Sample(BigDecimal value, long volume) {}

    /**
     * The band of {@code baseline} (the same hour of the week in past weeks), or null when fewer than
     * {@link #MIN_BASELINE_WITH_TRAFFIC} of those hours had traffic.
     */
    static AnomalyBand of(List<Sample> baseline, BigDecimal k) {
        var values = new ArrayList<BigDecimal>();
        int withTraffic = 0;
        for (Sample s : baseline) {
            if (s.value() != null) {
                values.add(s.value());
            }
            if (s.volume() > 0) {
                withTraffic++;
            }
        }
        if (withTraffic < MIN_BASELINE_WITH_TRAFFIC || values.size() < MIN_BASELINE_WITH_TRAFFIC) {
            return null;
        }
        BigDecimal median = median(values);
        BigDecimal mad =
                median(values.stream().map(v -> v.subtract(median).abs()).toList());
        BigDecimal deviation = mad.multiply(MAD_TO_SIGMA).max(median.abs().multiply(MIN_RELATIVE_DEVIATION));
        BigDecimal width = deviation.multiply(k);
        return new AnomalyBand(median, deviation, median.subtract(width), median.add(width));
    }

    /** Whether {@code value} is outside the band on the operator's side (strictly). */
    boolean outside(BigDecimal value, String operator) {
        return "above".equals(operator) ? value.compareTo(upper) > 0 : value.compareTo(lower) < 0;
    }

    /** The edge a value crosses on the operator's side (what a notification says it was compared with). */
    BigDecimal edge(String operator) {
        return ("above".equals(operator) ? upper : lower).setScale(6, RoundingMode.HALF_EVEN);
    }

    static BigDecimal median(List<BigDecimal> values) {
        var sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1
                ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(TWO);
    }
}
