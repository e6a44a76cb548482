package dev.promptengine.analytics.facts;

import java.util.Arrays;

/**
 * Mergeable latency histogram with log-spaced buckets (the DDSketch mapping): every quantile it
 * reports is within {@link #RELATIVE_ACCURACY} (2 %) of the exact value of the same rank. The SQL
 * side ({@code hist_bucket_value}, {@code hist_quantile}) uses the same mapping; buckets are always
 * computed here and stored with each raw execution so SQL never has to recompute them.
 *
 * <p>Bucket 0 holds latencies of 0 ms (and below); bucket {@code k >= 1} holds v in
 * (γ^(k-2), γ^(k-1)] with γ = (1+α)/(1-α).
 */
public final class LatencyHistogram {

    public static final double RELATIVE_ACCURACY = 0.02;
    static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);

    private long[] counts = new long[0];
    private long total;

    public static int bucketOf(long latencyMs) {
        if (latencyMs <= 0) {
            return 0;
        }
        return (int) Math.ceil(Math.log(latencyMs) / LOG_GAMMA) + 1;
    }

    /** The representative value of a bucket, within 2 % of every latency the bucket holds. */
    public static double valueOf(int bucket) {
        if (bucket <= 0) {
            return 0;
        }
        return 2 * Math.pow(GAMMA, bucket - 1) / (GAMMA + 1);
    }

    public void addBucket(int bucket, long count) {
        if (bucket >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(bucket + 1, counts.length * 2));
        }
        counts[bucket] += count;
        total += count;
    }

    public void add(long latencyMs) {
        addBucket(bucketOf(latencyMs), 1);
    }

    public long count() {
        return total;
    }

    /** Non-empty buckets, ascending (the {@code latency_hist_buckets} column). */
    public int[] buckets() {
        return java.util.stream.IntStream.range(0, counts.length)
                .filter(b -> counts[b] > 0)
                .toArray();
    }

    /** Counts aligned with {@link #buckets()} (the {@code latency_hist_counts} column). */
    public long[] counts() {
        return Arrays.stream(counts).filter(c -> c > 0).toArray();
    }

    /** The estimate of the value of 0-based rank floor(q·(n−1)); NaN when empty. */
    public double quantile(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.floor(q * (total - 1));
        long cumulative = 0;
        for (int b = 0; b < counts.length; b++) {
            cumulative += counts[b];
            if (cumulative > rank) {
                return valueOf(b);
            }
        }
        throw new IllegalStateException("unreachable: rank " + rank + " of " + total);
    }
}
