package dev.promptengine.bench;

import java.util.Locale;
import java.util.function.Function;

/**
 * A goal from issue 8 printed next to the measured median: an absolute bound, or a ratio to
 * another metric measured in the same run (the baseline).
 */
public record Target(String text, Kind kind, double value, String baselineMetric) {

    public enum Kind {
        AT_LEAST,
        BELOW,
        /** measured >= value x baseline (throughput ratios, fractions of a physical limit) */
        TIMES_OF,
        /** baseline / measured >= value (latency: "n times faster than") */
        TIMES_FASTER_THAN
    }

    /** What a target says about one measured median. {@code met} is null when it cannot be judged. */
    public record Verdict(String target, Boolean met, String detail) {}

    public static Target atLeast(double value, String unit) {
        return new Target(">= " + Format.number(value) + " " + unit, Kind.AT_LEAST, value, null);
    }

    public static Target below(double value, String unit) {
        return new Target("< " + Format.number(value) + " " + unit, Kind.BELOW, value, null);
    }

    public static Target timesOf(double factor, String baselineMetric) {
        String text = factor < 1
                ? String.format(Locale.ROOT, ">= %.0f %% of %s", factor * 100, baselineMetric)
                : String.format(Locale.ROOT, ">= %sx %s", Format.number(factor), baselineMetric);
        return new Target(text, Kind.TIMES_OF, factor, baselineMetric);
    }

    public static Target timesFasterThan(double factor, String baselineMetric) {
        return new Target(
                String.format(Locale.ROOT, ">= %sx faster than %s", Format.number(factor), baselineMetric),
                Kind.TIMES_FASTER_THAN,
                factor,
                baselineMetric);
    }

    /** Judges a median; {@code medianOf} answers the same-run median of another metric, or null. */
    public Verdict judge(double measured, Function<String, Double> medianOf) {
        return switch (kind) {
            case AT_LEAST -> new Verdict(text, measured >= value, Format.number(measured));
            case BELOW -> new Verdict(text, measured < value, Format.number(measured));
            case TIMES_OF, TIMES_FASTER_THAN -> {
                Double baseline = medianOf.apply(baselineMetric);
                if (baseline == null || baseline == 0 || measured == 0) {
                    yield new Verdict(text, null, "baseline " + baselineMetric + " not measured in this run");
                }
                double ratio = kind == Kind.TIMES_OF ? measured / baseline : baseline / measured;
                String shown = ratio < 1
                        ? String.format(Locale.ROOT, "%.0f %%", ratio * 100)
                        : String.format(Locale.ROOT, "%.1fx", ratio);
                yield new Verdict(text, ratio >= value, shown);
            }
        };
    }
}
