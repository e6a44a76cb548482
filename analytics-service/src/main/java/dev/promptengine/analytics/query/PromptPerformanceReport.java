package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The seed's prompt_performance for one prompt slug, plus percentiles. */
@Component
class PromptPerformanceReport {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PromptPerformance(
            @Schema(example = "summarize-ticket") String prompt,
            Instant from,
            Instant to,
            @Schema(example = "1480") long totalExecutions,

            @Schema(
                    description = "Usages (renders) of the prompt; provider/model filters do not apply",
                    example = "1520")
            long totalUses,

            @Schema(example = "1234.56") BigDecimal averageLatencyMs,
            @Schema(example = "3.6") BigDecimal errorRate,
            @Schema(example = "96.4") BigDecimal successRate,
            @Schema(example = "18.402317") String totalCost,

            @Schema(
                    description =
                            "Executions counted here whose cost is unknown (no price matched, nothing reported): total_cost leaves them out, so a non-zero count means the total is a lower bound",
                    example = "0")
            long unpricedExecutions,

            @Schema(example = "980.4") BigDecimal p50LatencyMs,
            @Schema(example = "3120.7") BigDecimal p95LatencyMs,
            @Schema(example = "6240.1") BigDecimal p99LatencyMs,

            @Schema(description = "Every UTC day of the range, oldest first, zero-filled")
            List<DayCost> costByDay,

            List<VersionUsage> usageByVersion,
            List<ModelShare> modelDistribution,
            TokenUsage tokenUsage) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DayCost(
            @Schema(example = "2026-11-26") LocalDate date,
            @Schema(example = "0.6150") String totalCost,

            @Schema(
                    description =
                            "Executions counted here whose cost is unknown (no price matched, nothing reported): total_cost leaves them out, so a non-zero count means the total is a lower bound",
                    example = "0")
            long unpricedExecutions,

            @Schema(example = "52") long executions) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record VersionUsage(
            @Schema(example = "3") int version,
            @Schema(example = "800") long usageCount,
            @Schema(example = "790") long executionCount,
            @Schema(example = "97.1") BigDecimal successRate,
            @Schema(example = "2.9") BigDecimal errorRate,
            @Schema(example = "9.12") String totalCost,

            @Schema(
                    description =
                            "Executions counted here whose cost is unknown (no price matched, nothing reported): total_cost leaves them out, so a non-zero count means the total is a lower bound",
                    example = "0")
            long unpricedExecutions,

            @Schema(example = "1102.35") BigDecimal averageLatencyMs) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ModelShare(
            @Schema(example = "gpt-4o") String model,
            @Schema(example = "1000") long executions,

            @Schema(description = "Share of the prompt's executions, percent with one decimal", example = "67.6")
            BigDecimal percentage) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TokenUsage(
            @Schema(example = "912000") long totalInputTokens,
            @Schema(example = "186000") long totalOutputTokens,
            @Schema(example = "616.22") BigDecimal averageInputTokens,
            @Schema(example = "125.68") BigDecimal averageOutputTokens) {}

    private final ExecutionAggregates executions;
    private final UsageAggregates usages;

    PromptPerformanceReport(ExecutionAggregates executions, UsageAggregates usages) {
        this.executions = executions;
        this.usages = usages;
    }

    PromptPerformance answer(String tenant, QueryFilter filter) {
        var breakdowns = executions.breakdowns(tenant, filter, List.of(Dimension.VERSION, Dimension.MODEL));
        Stats total = breakdowns.total();
        var byDay = breakdowns.byDay().stream()
                .collect(Collectors.toMap(s -> LocalDate.ofInstant(s.bucket(), ZoneOffset.UTC), s -> s));
        var costByDay = new ArrayList<DayCost>();
        for (LocalDate day : days(filter.from(), filter.to())) {
            Stats s = byDay.getOrDefault(day, Stats.empty(null, null));
            costByDay.add(new DayCost(day, Numbers.money(s.totalCost()), s.unpricedExecutions(), s.executions()));
        }
        Map<String, Long> usesByVersion = usages.count(tenant, filter, TimeBucket.NONE, Dimension.VERSION).stream()
                .collect(Collectors.toMap(UsageAggregates.Count::key, UsageAggregates.Count::usages));
        Map<Integer, VersionUsage> versions = new TreeMap<>();
        for (Stats s : breakdowns.groups().get(Dimension.VERSION)) {
            versions.put(
                    Integer.parseInt(s.key()),
                    new VersionUsage(
                            Integer.parseInt(s.key()),
                            usesByVersion.getOrDefault(s.key(), 0L),
                            s.executions(),
                            Numbers.percent(s.successes(), s.executions()),
                            Numbers.percent(s.errors(), s.executions()),
                            Numbers.money(s.totalCost()),
                            s.unpricedExecutions(),
                            Numbers.average(s.latencySumMs(), s.executions())));
        }
        usesByVersion.forEach((version, uses) -> versions.computeIfAbsent(
                Integer.parseInt(version),
                v -> new VersionUsage(
                        v, uses, 0, Numbers.percent(0, 0), Numbers.percent(0, 0), "0", 0, Numbers.average(0, 0))));
        var models = breakdowns.groups().get(Dimension.MODEL).stream()
                .sorted(Comparator.comparingLong(Stats::executions).reversed().thenComparing(Stats::key))
                .map(s -> new ModelShare(s.key(), s.executions(), Numbers.percent(s.executions(), total.executions())))
                .toList();
        long totalUses =
                usesByVersion.values().stream().mapToLong(Long::longValue).sum();
        return new PromptPerformance(
                filter.prompt(),
                filter.from(),
                filter.to(),
                total.executions(),
                totalUses,
                Numbers.average(total.latencySumMs(), total.executions()),
                Numbers.percent(total.errors(), total.executions()),
                Numbers.percent(total.successes(), total.executions()),
                Numbers.money(total.totalCost()),
                total.unpricedExecutions(),
                Numbers.latency(total.p50()),
                Numbers.latency(total.p95()),
                Numbers.latency(total.p99()),
                List.copyOf(costByDay),
                List.copyOf(versions.values()),
                models,
                new TokenUsage(
                        total.inputTokens(),
                        total.outputTokens(),
                        Numbers.average(total.inputTokens(), total.executions()),
                        Numbers.average(total.outputTokens(), total.executions())));
    }

    /** The UTC days that intersect {@code [from, to)}. */
    static List<LocalDate> days(Instant from, Instant to) {
        var days = new TreeSet<LocalDate>();
        if (!from.isBefore(to)) {
            return List.of();
        }
        LocalDate last = LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC);
        for (LocalDate d = LocalDate.ofInstant(from, ZoneOffset.UTC); !d.isAfter(last); d = d.plusDays(1)) {
            days.add(d);
        }
        return List.copyOf(days);
    }
}
