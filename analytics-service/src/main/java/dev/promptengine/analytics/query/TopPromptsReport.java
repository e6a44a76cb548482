package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ExecutionAggregates.Aggregation;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The seed's top_prompts: the most used prompts with their execution figures. */
@Component
class TopPromptsReport {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TopPrompts(
            Instant from,
            Instant to,
            @Schema(example = "10") int limit,

            @Schema(description = "By usage count, then execution count, then name")
            List<TopPrompt> prompts) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TopPrompt(
            @Schema(description = "Prompt slug", example = "summarize-ticket")
            String name,

            @Schema(example = "1520") long usageCount,
            @Schema(example = "1480") long executionCount,
            @Schema(example = "18.402317") String totalCost,

            @Schema(description = "Executions whose cost is unknown; total_cost leaves them out", example = "0")
            long unpricedExecutions,

            @Schema(example = "96.4") BigDecimal successRate,
            @Schema(example = "3.6") BigDecimal errorRate,
            @Schema(example = "1234.56") BigDecimal averageLatencyMs) {}

    private final ExecutionAggregates executions;
    private final UsageAggregates usages;

    TopPromptsReport(ExecutionAggregates executions, UsageAggregates usages) {
        this.executions = executions;
        this.usages = usages;
    }

    TopPrompts answer(String tenant, QueryFilter filter, int limit) {
        Map<String, Long> uses = new HashMap<>();
        usages.count(tenant, filter, TimeBucket.NONE, Dimension.PROMPT).forEach(c -> uses.put(c.key(), c.usages()));
        Map<String, Stats> stats = new HashMap<>();
        executions
                .aggregate(tenant, filter, Aggregation.by(Dimension.PROMPT).withoutPercentiles())
                .forEach(s -> stats.put(s.key(), s));
        var names = new java.util.HashSet<>(uses.keySet());
        names.addAll(stats.keySet());
        var prompts = names.stream()
                .map(name -> {
                    Stats s = stats.getOrDefault(name, Stats.empty(null, name));
                    return new TopPrompt(
                            name,
                            uses.getOrDefault(name, 0L),
                            s.executions(),
                            Numbers.money(s.totalCost()),
                            s.unpricedExecutions(),
                            Numbers.percent(s.successes(), s.executions()),
                            Numbers.percent(s.errors(), s.executions()),
                            Numbers.average(s.latencySumMs(), s.executions()));
                })
                .sorted(Comparator.comparingLong(TopPrompt::usageCount)
                        .reversed()
                        .thenComparing(Comparator.comparingLong(TopPrompt::executionCount)
                                .reversed())
                        .thenComparing(TopPrompt::name))
                .limit(limit)
                .toList();
        return new TopPrompts(filter.from(), filter.to(), limit, prompts);
    }
}
