package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.analytics.query.ExecutionAggregates.Aggregation;
import dev.promptengine.analytics.query.ExecutionAggregates.Stats;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The seed's error_analysis: errors (status error or timeout) by category and by prompt from the
 * rollups, and the ten most recent errors from raw facts through the partial error index.
 */
@Component
class ErrorAnalysisReport {

    static final List<String> CATEGORIES =
            List.of("rate_limit", "authentication", "network", "timeout", "invalid_request", "other");

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ErrorAnalysis(
            Instant from,
            Instant to,
            @Schema(example = "53") long totalErrors,
            @Schema(example = "1480") long totalExecutions,
            @Schema(example = "3.6") BigDecimal errorRate,

            @Schema(
                    description = "Errors per category, every category present",
                    example = "{\"rate_limit\": 20, \"authentication\": 1, \"network\": 7, \"timeout\": 15,"
                            + " \"invalid_request\": 6, \"other\": 4}")
            Map<String, Long> errorsByType,

            @Schema(description = "Prompts with errors, most errors first")
            List<PromptErrors> errorsByPrompt,

            @Schema(description = "The 10 newest errors, newest first")
            List<RecentError> recentErrors) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PromptErrors(
            @Schema(example = "summarize-ticket") String prompt,
            @Schema(example = "31") long errorCount,
            @Schema(example = "900") long executionCount,
            @Schema(example = "3.4") BigDecimal errorRate) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RecentError(
            UUID id,
            @Schema(example = "summarize-ticket") String prompt,
            @Schema(example = "3") int version,
            @Schema(example = "Rate limit exceeded (429)") String error,
            @Schema(example = "rate_limit") String errorType,
            @Schema(example = "error") String status,
            @Schema(example = "openai") String provider,
            @Schema(example = "gpt-4o") String model,
            Instant timestamp,

            @Schema(description = "True when the error message was stored encrypted; opened for this answer (audited)")
            boolean contentSealed,

            @Schema(description = "Why an encrypted error message is not shown (it is then null)")
            String contentError) {}

    private static final String RECENT = """
            SELECT id, occurred_at, prompt_slug, prompt_version, provider, model, status, error_type, error_message,
                   CASE WHEN error_message IS NULL THEN
                     (SELECT c.sealed FROM execution_content c WHERE c.tenant = execution_fact.tenant
                        AND c.id = execution_fact.id AND c.occurred_at = execution_fact.occurred_at) END AS sealed
            FROM execution_fact
            WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to
              AND status IN ('error', 'timeout')""";

    private final ExecutionAggregates executions;
    private final JdbcClient jdbc;

    ErrorAnalysisReport(ExecutionAggregates executions, JdbcClient jdbc) {
        this.executions = executions;
        this.jdbc = jdbc;
    }

    /** The analysis; the recent errors' messages stored sealed are opened through {@code reading}. */
    ErrorAnalysis answer(String tenant, QueryFilter filter, SealedReads.Reading reading) {
        Stats total = executions.total(tenant, filter);
        var byType = new LinkedHashMap<String, Long>();
        CATEGORIES.forEach(category -> byType.put(category, 0L));
        for (Stats s : executions.aggregate(
                tenant,
                filter,
                Aggregation.by(Dimension.ERROR_TYPE).withoutPercentiles().onlyErrors())) {
            String category = CATEGORIES.contains(s.key()) ? s.key() : "other";
            byType.merge(category, s.executions(), Long::sum);
        }
        var byPrompt =
                executions
                        .aggregate(
                                tenant, filter, Aggregation.by(Dimension.PROMPT).withoutPercentiles())
                        .stream()
                        .filter(s -> s.errors() > 0)
                        .sorted(Comparator.comparingLong(Stats::errors)
                                .reversed()
                                .thenComparing(Stats::key))
                        .map(s -> new PromptErrors(
                                s.key(), s.errors(), s.executions(), Numbers.percent(s.errors(), s.executions())))
                        .toList();
        return new ErrorAnalysis(
                filter.from(),
                filter.to(),
                total.errors(),
                total.executions(),
                Numbers.percent(total.errors(), total.executions()),
                byType,
                byPrompt,
                recentErrors(tenant, filter, reading));
    }

    private List<RecentError> recentErrors(String tenant, QueryFilter filter, SealedReads.Reading reading) {
        var params = new MapSqlParameterSource()
                .addValue("tenant", tenant)
                .addValue("from", FactSources.timestamp(filter.from()))
                .addValue("to", FactSources.timestamp(filter.to()));
        var sql = new StringBuilder(RECENT);
        FactSources.appendFilters(sql, filter, true, params);
        sql.append("\nORDER BY occurred_at DESC, id\nLIMIT 10");
        return jdbc.sql(sql.toString())
                .paramSource(params)
                .query((rs, row) -> {
                    var id = rs.getObject("id", UUID.class);
                    byte[] sealed = rs.getBytes("sealed");
                    var opened = sealed == null ? null : reading.open(id, sealed);
                    return new RecentError(
                            id,
                            rs.getString("prompt_slug"),
                            rs.getInt("prompt_version"),
                            opened == null ? rs.getString("error_message") : opened.text("error_message"),
                            rs.getString("error_type"),
                            rs.getString("status"),
                            rs.getString("provider"),
                            rs.getString("model"),
                            rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                            opened != null,
                            opened == null ? null : opened.error());
                })
                .list();
    }
}
