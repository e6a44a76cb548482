package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The seed's usage_stats plus error rate and latency percentiles. */
@Component
public class UsageStatsReport {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UsageStats(
            @Schema(description = "Start of the answered range (inclusive)")
            Instant from,

            @Schema(description = "End of the answered range (exclusive)")
            Instant to,

            @Schema(description = "Prompt renders (usages); provider/model filters do not apply", example = "1520")
            long totalUses,

            @Schema(example = "1480") long totalExecutions,
            @Schema(example = "96.4") BigDecimal successRate,
            @Schema(example = "3.6") BigDecimal errorRate,

            @Schema(description = "Exact USD sum as a decimal string", example = "18.402317")
            String totalCost,

            @Schema(
                    description =
                            "Executions counted here whose cost is unknown (no price matched, nothing reported): total_cost leaves them out, so a non-zero count means the total is a lower bound",
                    example = "0")
            long unpricedExecutions,

            @Schema(description = "Mean total tokens per execution", example = "742.18")
            BigDecimal averageTokens,

            @Schema(example = "1234.56") BigDecimal averageLatencyMs,

            @Schema(description = "From the latency histograms, within 2 %", example = "980.4")
            BigDecimal p50LatencyMs,

            @Schema(example = "3120.7") BigDecimal p95LatencyMs,
            @Schema(example = "6240.1") BigDecimal p99LatencyMs,
            List<GroupSummary> byEnvironment,
            List<GroupSummary> byModel) {}

    private final ExecutionAggregates executions;
    private final UsageAggregates usages;

    UsageStatsReport(ExecutionAggregates executions, UsageAggregates usages) {
        this.executions = executions;
        this.usages = usages;
    }

    public UsageStats answer(String tenant, QueryFilter filter) {
        var breakdowns = executions.breakdowns(tenant, filter, List.of(Dimension.ENVIRONMENT, Dimension.MODEL));
        Stats total = breakdowns.total();
        Map<String, Long> usesByEnvironment =
                usages.count(tenant, filter, TimeBucket.NONE, Dimension.ENVIRONMENT).stream()
                        .collect(Collectors.toMap(UsageAggregates.Count::key, UsageAggregates.Count::usages));
        long totalUses =
                usesByEnvironment.values().stream().mapToLong(Long::longValue).sum();
        var byEnvironment = new java.util.ArrayList<GroupSummary>();
        var seen = new java.util.HashSet<String>();
        for (Stats s : breakdowns.groups().get(Dimension.ENVIRONMENT)) {
            byEnvironment.add(GroupSummary.of(s, usesByEnvironment.getOrDefault(s.key(), 0L)));
            seen.add(s.key());
        }
        usesByEnvironment.forEach((environment, uses) -> {
            if (!seen.contains(environment)) {
                byEnvironment.add(GroupSummary.of(Stats.empty(null, environment), uses));
            }
        });
        byEnvironment.sort(GroupSummary.BY_EXECUTIONS);
        var byModel = breakdowns.groups().get(Dimension.MODEL).stream()
                .map(s -> GroupSummary.of(s, null))
                .sorted(GroupSummary.BY_EXECUTIONS)
                .toList();
        return new UsageStats(
                filter.from(),
                filter.to(),
                totalUses,
                total.executions(),
                Numbers.percent(total.successes(), total.executions()),
                Numbers.percent(total.errors(), total.executions()),
                Numbers.money(total.totalCost()),
                total.unpricedExecutions(),
                Numbers.average(total.totalTokens(), total.executions()),
                Numbers.average(total.latencySumMs(), total.executions()),
                Numbers.latency(total.p50()),
                Numbers.latency(total.p95()),
                Numbers.latency(total.p99()),
                List.copyOf(byEnvironment),
                byModel);
    }
}
