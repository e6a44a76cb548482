package dev.promptengine.bench;

import java.util.List;

/**
 * One line of the results table: what is measured, in which unit, whether more is better, and the
 * targets of issue 8 it is judged against. Ids are stable ({@code scenario.metric}) so targets
 * can name their baseline.
 */
public record MetricSpec(String id, String label, String unit, boolean higherIsBetter, List<Target> targets) {

    public static MetricSpec throughput(String id, String label, String unit, Target... targets) {
        return new MetricSpec(id, label, unit, true, List.of(targets));
    }

    public static MetricSpec latency(String id, String label, Target... targets) {
        return new MetricSpec(id, label, "ms", false, List.of(targets));
    }

    public static MetricSpec amount(String id, String label, String unit, Target... targets) {
        return new MetricSpec(id, label, unit, false, List.of(targets));
    }
}
