package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ExecutionAggregates.Aggregation;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Cost grouped by prompt, model, provider, environment or UTC day. */
@Component
class CostBreakdownReport {

    /** The accepted {@code group_by} values. */
    enum GroupBy {
        PROMPT(Dimension.PROMPT),
        MODEL(Dimension.MODEL),
        PROVIDER(Dimension.PROVIDER),
        ENVIRONMENT(Dimension.ENVIRONMENT),
        DAY(null);

        final Dimension dimension;

        GroupBy(Dimension dimension) {
            this.dimension = dimension;
        }

        String parameterValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        static GroupBy parse(String value) {
            for (GroupBy g : values()) {
                if (g.parameterValue().equals(value)) {
                    return g;
                }
            }
            throw new InvalidParameterException(
                    "group_by",
                    "'group_by' must be one of prompt, model, provider, environment, day; got '" + value + "'");
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CostBreakdown(
            Instant from,
            Instant to,
            @Schema(example = "model") String groupBy,
            @Schema(example = "18.402317") String totalCost,

            @Schema(
                    description =
                            "Executions counted here whose cost is unknown (no price matched, nothing reported): total_cost leaves them out, so a non-zero count means the total is a lower bound",
                    example = "0")
            long unpricedExecutions,

            @Schema(example = "1480") long totalExecutions,

            @Schema(description = "By cost, highest first; for group_by=day every UTC day of the range, oldest first")
            List<CostGroup> groups) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CostGroup(
            @Schema(description = "The group's value; an ISO date for group_by=day", example = "gpt-4o")
            String name,

            @Schema(example = "12.5") String totalCost,

            @Schema(
                    description =
                            "Executions counted here whose cost is unknown (no price matched, nothing reported): total_cost leaves them out, so a non-zero count means the total is a lower bound",
                    example = "0")
            long unpricedExecutions,

            @Schema(description = "Share of the total cost, percent with one decimal", example = "67.9")
            BigDecimal percentage,

            @Schema(example = "1000") long executionCount,
            @Schema(example = "600000") long inputTokens,
            @Schema(example = "120000") long outputTokens,
            @Schema(example = "720000") long totalTokens,

            @Schema(description = "Exact mean cost per execution", example = "0.0125")
            String averageCostPerExecution) {}

    private final ExecutionAggregates executions;

    CostBreakdownReport(ExecutionAggregates executions) {
        this.executions = executions;
    }

    CostBreakdown answer(String tenant, QueryFilter filter, GroupBy groupBy) {
        var aggregation = groupBy == GroupBy.DAY
                ? new Aggregation(TimeBucket.DAY, null, false, false)
                : Aggregation.by(groupBy.dimension).withoutPercentiles();
        List<Stats> rows = executions.aggregate(tenant, filter, aggregation);
        BigDecimal total = rows.stream().map(Stats::totalCost).reduce(BigDecimal.ZERO, BigDecimal::add);
        long executionCount = rows.stream().mapToLong(Stats::executions).sum();
        long unpriced = rows.stream().mapToLong(Stats::unpricedExecutions).sum();
        List<CostGroup> groups;
        if (groupBy == GroupBy.DAY) {
            var byDay = rows.stream()
                    .collect(Collectors.toMap(
                            s -> LocalDate.ofInstant(s.bucket(), ZoneOffset.UTC), Function.identity()));
            groups = PromptPerformanceReport.days(filter.from(), filter.to()).stream()
                    .map(day -> group(day.toString(), byDay.getOrDefault(day, Stats.empty(null, null)), total))
                    .toList();
        } else {
            groups = rows.stream()
                    .sorted(Comparator.comparing(Stats::totalCost).reversed().thenComparing(Stats::key))
                    .map(s -> group(s.key(), s, total))
                    .toList();
        }
        return new CostBreakdown(
                filter.from(),
                filter.to(),
                groupBy.parameterValue(),
                Numbers.money(total),
                unpriced,
                executionCount,
                groups);
    }

    private static CostGroup group(String name, Stats s, BigDecimal total) {
        BigDecimal share = total.signum() == 0
                ? BigDecimal.ZERO.setScale(1)
                : s.totalCost().multiply(BigDecimal.valueOf(100)).divide(total, 1, RoundingMode.HALF_UP);
        return new CostGroup(
                name,
                Numbers.money(s.totalCost()),
                s.unpricedExecutions(),
                share,
                s.executions(),
                s.inputTokens(),
                s.outputTokens(),
                s.totalTokens(),
                Numbers.moneyAverage(s.totalCost(), s.executions()));
    }
}
