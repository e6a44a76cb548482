package dev.promptengine.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Summary of repeated measured runs of one metric: the median is the number we publish, the
 * spread ({@code (max - min) / median}) says how much to trust it on a shared machine.
 */
public record Stats(int runs, double median, double min, double max, double mean, double spreadPercent) {

    public static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted =
                samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double mean = Arrays.stream(sorted).average().orElseThrow();
        double min = sorted[0];
        double max = sorted[n - 1];
        double spread = median == 0 ? 0 : (max - min) / Math.abs(median) * 100;
        return new Stats(n, median, min, max, mean, spread);
    }

    /**
     * Nearest-rank percentile of raw samples (for latencies within one run): the smallest value
     * such that at least {@code percentile} % of the samples are at or below it.
     */
    public static double percentile(long[] sortedSamples, double percentile) {
        if (sortedSamples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (percentile <= 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
        }
        int rank = (int) Math.ceil(percentile / 100 * sortedSamples.length);
        return sortedSamples[Math.max(0, rank - 1)];
    }
}
