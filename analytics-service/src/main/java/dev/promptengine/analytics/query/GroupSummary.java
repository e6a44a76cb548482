package dev.promptengine.analytics.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.Comparator;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One group of a breakdown (an environment, a model, a prompt, ...) with its execution figures. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
record GroupSummary(
        @Schema(description = "The group's value (environment, model, prompt slug, ...)", example = "production")
        String name,

        @Schema(description = "Usages (prompt renders) of the group; only for usage dimensions", example = "1250")
        Long totalUses,

        @Schema(example = "1200") long totalExecutions,

        @Schema(description = "Percentage of executions with status success, one decimal", example = "97.5")
        BigDecimal successRate,

        @Schema(description = "Percentage of executions with status error or timeout, one decimal", example = "2.5")
        BigDecimal errorRate,

        @Schema(description = "Exact USD sum as a decimal string", example = "12.3456")
        String totalCost,

        @Schema(
                description =
                        "Executions counted here whose cost is unknown (no price matched, nothing reported): total_cost leaves them out, so a non-zero count means the total is a lower bound",
                example = "0")
        long unpricedExecutions,

        @Schema(example = "812.25") BigDecimal averageLatencyMs,
        @Schema(example = "640.50") BigDecimal averageTokens) {

    static final Comparator<GroupSummary> BY_EXECUTIONS = Comparator.comparingLong(GroupSummary::totalExecutions)
            .reversed()
            .thenComparing(GroupSummary::name, Comparator.nullsLast(Comparator.naturalOrder()));

    static GroupSummary of(ExecutionAggregates.Stats stats, Long usages) {
        return new GroupSummary(
                stats.key(),
                usages,
                stats.executions(),
                Numbers.percent(stats.successes(), stats.executions()),
                Numbers.percent(stats.errors(), stats.executions()),
                Numbers.money(stats.totalCost()),
                stats.unpricedExecutions(),
                Numbers.average(stats.latencySumMs(), stats.executions()),
                Numbers.average(stats.totalTokens(), stats.executions()));
    }
}
