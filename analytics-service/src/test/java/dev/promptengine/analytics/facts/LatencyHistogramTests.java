package dev.promptengine.analytics.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class LatencyHistogramTests {

    private static final double[] QUANTILES = {0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};

    @Test
    void quantilesStayWithinTwoPercentOfExactPercentilesForLogNormalLatencies() {
        var random = new Random(42);
        assertWithinBound(100_000, () -> Math.round(Math.exp(7 + 1.2 * random.nextGaussian())));
    }

    @Test
    void quantilesStayWithinTwoPercentForUniformAndSmallLatencies() {
        var random = new Random(7);
        assertWithinBound(50_000, () -> 1 + random.nextInt(60_000));
        assertWithinBound(10_000, () -> 1 + random.nextInt(40));
    }

    @Test
    void quantilesStayWithinTwoPercentForHeavyTailsAndZeros() {
        var random = new Random(3);
        assertWithinBound(20_000, () -> random.nextInt(10) == 0 ? 0 : (long) (50 / Math.pow(random.nextDouble(), 1.5)));
    }

    @Test
    void everyBucketsRepresentativeValueIsWithinTwoPercentOfEveryLatencyItHolds() {
        for (long v = 1; v < 2_000_000; v = v < 5_000 ? v + 1 : v + 997) {
            double estimate = LatencyHistogram.valueOf(LatencyHistogram.bucketOf(v));
            assertThat(Math.abs(estimate - v) / v).as("latency %d", v).isLessThanOrEqualTo(0.02 + 1e-12);
        }
        assertThat(LatencyHistogram.bucketOf(0)).isZero();
        assertThat(LatencyHistogram.valueOf(0)).isZero();
    }

    @Test
    void mergingHistogramsEqualsHistogramOfAllValues() {
        var random = new Random(11);
        var whole = new LatencyHistogram();
        var left = new LatencyHistogram();
        var right = new LatencyHistogram();
        for (int i = 0; i < 10_000; i++) {
            long v = 1 + random.nextInt(20_000);
            whole.add(v);
            (i % 3 == 0 ? left : right).add(v);
        }
        var merged = new LatencyHistogram();
        for (var part : new LatencyHistogram[] {left, right}) {
            int[] buckets = part.buckets();
            long[] counts = part.counts();
            for (int i = 0; i < buckets.length; i++) {
                merged.addBucket(buckets[i], counts[i]);
            }
        }
        assertThat(merged.buckets()).containsExactly(whole.buckets());
        assertThat(merged.counts()).containsExactly(whole.counts());
        assertThat(merged.count()).isEqualTo(10_000);
    }

    private static void assertWithinBound(int n, LongSupplier latencies) {
        var histogram = new LatencyHistogram();
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = latencies.getAsLong();
            histogram.add(values[i]);
        }
        Arrays.sort(values);
        for (double q : QUANTILES) {
            long exact = values[(int) Math.floor(q * (n - 1))];
            double estimate = histogram.quantile(q);
            if (exact == 0) {
                assertThat(estimate).as("q=%s", q).isZero();
            } else {
                assertThat(Math.abs(estimate - exact) / exact)
                        .as("q=%s exact=%d estimate=%f", q, exact, estimate)
                        .isLessThanOrEqualTo(LatencyHistogram.RELATIVE_ACCURACY + 1e-12);
            }
        }
    }
}
