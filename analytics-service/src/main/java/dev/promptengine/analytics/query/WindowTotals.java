package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ExecutionAggregates.Aggregation;
import dev.promptengine.analytics.query.ExecutionAggregates.Measure;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import java.math.BigDecimal;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The totals of one filter over one range, from the same sources and SQL as the query API (rollups
 * for whole hours and days, raw facts for the ragged ends), for code outside this package: the
 * alert evaluator asks it for each rule's window.
 */
@Component
public class WindowTotals {

    /**
     * @param p95 p95 latency in ms, null without executions or when not asked for
     * @param p99 p99 latency in ms, null without executions or when not asked for
     */
    public record Totals(
            long executions,
            long errors,
            long totalTokens,
            BigDecimal totalCost,
            long unpricedExecutions,
            Double p95,
            Double p99) {}

    private final ExecutionAggregates executions;
    private final UsageAggregates usages;

    WindowTotals(ExecutionAggregates executions, UsageAggregates usages) {
        this.executions = executions;
        this.usages = usages;
    }

    /** Execution totals of {@code filter}; percentiles only when asked (they merge histograms). */
    public Totals executions(String tenant, QueryFilter filter, boolean percentiles) {
        var aggregation = new Aggregation(TimeBucket.NONE, null, percentiles, false)
                .withMeasures(Set.of(Measure.OUTCOMES, Measure.TOKENS, Measure.COST));
        Stats s = executions.aggregate(tenant, filter, aggregation).stream()
                .findFirst()
                .orElse(Stats.empty(null, null));
        return new Totals(
                s.executions(),
                s.errors(),
                s.totalTokens(),
                s.totalCost() == null ? BigDecimal.ZERO : s.totalCost(),
                s.unpricedExecutions(),
                s.p95(),
                s.p99());
    }

    /** Usages of {@code filter} (provider and model do not apply to usages). */
    public long usages(String tenant, QueryFilter filter) {
        return usages.total(tenant, filter);
    }
}
