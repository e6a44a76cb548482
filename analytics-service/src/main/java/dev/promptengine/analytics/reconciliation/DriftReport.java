package dev.promptengine.analytics.reconciliation;

import dev.promptengine.analytics.filter.QueryFilter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Catalog-computed against provider-reported cost, over the raw executions that carry both
 * ({@code catalog_cost} and {@code provider_cost}, written by the facts writer from cost-service's
 * v2 fields), by provider, model and UTC day, and the executions that drift most. Raw facts through
 * the {@code (tenant, occurred_at)} index; the range bounds prune the daily partitions.
 */
@Component
class DriftReport {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Reconciliation(
            Instant from,
            Instant to,

            @Schema(
                    description = "By UTC day (oldest first), then provider and model; only groups with executions"
                            + " that have both costs")
            List<Day> days,

            Totals totals,

            @Schema(
                    description = "Executions in the range with a catalog cost but no provider-reported cost",
                    example = "12")
            long onlyCatalogExecutions,

            @Schema(
                    description = "Executions in the range with a provider-reported cost but no catalog cost",
                    example = "3")
            long onlyProviderExecutions,

            @Schema(description = "The executions with the largest absolute drift, largest first (at most `limit`)")
            List<Execution> largestDrift) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Day(
            @Schema(example = "2026-11-24") LocalDate day,
            @Schema(example = "openai") String provider,
            @Schema(example = "gpt-4o-2024-08-06") String model,
            @Schema(example = "42") long executionsCompared,
            @Schema(example = "1.25") String catalogCost,
            @Schema(example = "1.3125") String providerCost,

            @Schema(description = "provider_cost − catalog_cost, exact", example = "0.0625")
            String driftUsd,

            @Schema(
                    description =
                            "drift relative to catalog_cost, percent, one decimal; null when the catalog cost is 0",
                    example = "5.0")
            BigDecimal driftPercent) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Totals(
            @Schema(example = "42") long executionsCompared,
            @Schema(example = "1.25") String catalogCost,
            @Schema(example = "1.3125") String providerCost,
            @Schema(example = "0.0625") String driftUsd,
            @Schema(example = "5.0") BigDecimal driftPercent) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Execution(
            UUID executionId,
            Instant occurredAt,
            @Schema(example = "openai") String provider,
            @Schema(example = "gpt-4o-2024-08-06") String model,
            @Schema(example = "0.0125") String catalogCost,
            @Schema(example = "0.0150") String providerCost,
            @Schema(example = "0.0025") String driftUsd,
            @Schema(example = "20.0") BigDecimal driftPercent) {}

    private static final String BY_DAY = """
            SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, provider, model,
                   count(*) AS executions, sum(catalog_cost) AS catalog_cost, sum(provider_cost) AS provider_cost
            FROM execution_fact
            WHERE catalog_cost IS NOT NULL AND provider_cost IS NOT NULL AND %s
            GROUP BY 1, 2, 3
            ORDER BY day, provider COLLATE "C", model COLLATE "C\"""";

    private static final String ONE_SIDED = """
            SELECT count(*) FILTER (WHERE catalog_cost IS NOT NULL AND provider_cost IS NULL) AS only_catalog,
                   count(*) FILTER (WHERE catalog_cost IS NULL AND provider_cost IS NOT NULL) AS only_provider
            FROM execution_fact
            WHERE %s""";

    private static final String LARGEST = """
            SELECT id, occurred_at, provider, model, catalog_cost, provider_cost
            FROM execution_fact
            WHERE catalog_cost IS NOT NULL AND provider_cost IS NOT NULL AND %s
            ORDER BY abs(provider_cost - catalog_cost) DESC, occurred_at DESC, id
            LIMIT :limit""";

    private final JdbcClient jdbc;

    DriftReport(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Reconciliation answer(String tenant, QueryFilter filter, int limit) {
        var params = new HashMap<String, Object>();
        String where = where(tenant, filter, params);
        List<Day> days = jdbc.sql(BY_DAY.formatted(where))
                .params(params)
                .query((rs, n) -> day(rs))
                .list();
        var oneSided = jdbc.sql(ONE_SIDED.formatted(where))
                .params(params)
                .query((rs, n) -> new long[] {rs.getLong("only_catalog"), rs.getLong("only_provider")})
                .single();
        params.put("limit", limit);
        List<Execution> largest = jdbc.sql(LARGEST.formatted(where))
                .params(params)
                .query((rs, n) -> execution(rs))
                .list();
        return new Reconciliation(filter.from(), filter.to(), days, totals(days), oneSided[0], oneSided[1], largest);
    }

    /** The common filters, all bound; tenant and range first so the planner uses the time index and prunes. */
    private static String where(String tenant, QueryFilter filter, Map<String, Object> params) {
        var sql = new StringBuilder("tenant = :tenant AND occurred_at >= :from AND occurred_at < :to");
        params.put("tenant", tenant);
        params.put("from", filter.from().atOffset(ZoneOffset.UTC));
        params.put("to", filter.to().atOffset(ZoneOffset.UTC));
        condition(sql, params, "prompt_slug", "prompt", filter.prompt());
        condition(sql, params, "prompt_version", "version", filter.version());
        condition(sql, params, "environment", "environment", filter.environment());
        condition(sql, params, "provider", "provider", filter.provider());
        condition(sql, params, "model", "model", filter.model());
        condition(sql, params, "user_identifier", "user", filter.user());
        condition(sql, params, "session_id", "session", filter.session());
        return sql.toString();
    }

    private static void condition(
            StringBuilder sql, Map<String, Object> params, String column, String name, Object value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = :").append(name);
            params.put(name, value);
        }
    }

    private static Day day(ResultSet rs) throws SQLException {
        BigDecimal catalog = rs.getBigDecimal("catalog_cost");
        BigDecimal provider = rs.getBigDecimal("provider_cost");
        BigDecimal drift = provider.subtract(catalog);
        return new Day(
                rs.getObject("day", LocalDate.class),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getLong("executions"),
                Money.text(catalog),
                Money.text(provider),
                Money.text(drift),
                Money.percent(drift, catalog));
    }

    private static Execution execution(ResultSet rs) throws SQLException {
        BigDecimal catalog = rs.getBigDecimal("catalog_cost");
        BigDecimal provider = rs.getBigDecimal("provider_cost");
        BigDecimal drift = provider.subtract(catalog);
        return new Execution(
                rs.getObject("id", UUID.class),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getString("provider"),
                rs.getString("model"),
                Money.text(catalog),
                Money.text(provider),
                Money.text(drift),
                Money.percent(drift, catalog));
    }

    private static Totals totals(List<Day> days) {
        long executions = 0;
        BigDecimal catalog = BigDecimal.ZERO;
        BigDecimal provider = BigDecimal.ZERO;
        for (var day : days) {
            executions += day.executionsCompared();
            catalog = catalog.add(new BigDecimal(day.catalogCost()));
            provider = provider.add(new BigDecimal(day.providerCost()));
        }
        BigDecimal drift = provider.subtract(catalog);
        return new Totals(
                executions,
                Money.text(catalog),
                Money.text(provider),
                Money.text(drift),
                Money.percent(drift, catalog));
    }
}
