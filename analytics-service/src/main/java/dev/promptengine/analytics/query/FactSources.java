package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.RangePlan.Segment;
import dev.promptengine.analytics.rollup.Grain;
import dev.promptengine.analytics.rollup.RollupShape;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

/**
 * Builds the {@code src} relation of an aggregate query: one {@code UNION ALL} branch per segment of
 * the {@link RangePlan}, all with the same columns, so the aggregate above never knows whether a row
 * is a daily rollup row, an hourly one or a raw fact (a raw fact is a row of count 1 with a
 * one-bucket histogram). Rollup segments read the prompt-less summary shapes ({@link RollupShape}, V5)
 * whenever neither the filter nor the grouping involves prompt or version, the per-prompt rollups
 * otherwise; both hold the same sums, so the answer is the same, only the number of rows differs.
 * Only fixed SQL fragments are concatenated; every value is a bind parameter.
 */
public final class FactSources {

    /** Columns of an execution source row. */
    private static final String EXECUTION_ROLLUP_COLUMNS = """
            SELECT bucket_start, %s, prompt_slug, prompt_version, environment, provider, model, status, error_type,
                   NULL::text AS user_identifier, NULL::text AS session_id,
                   execution_count, unpriced_count, input_tokens, output_tokens, total_tokens, total_cost, latency_sum_ms,
                   latency_hist_buckets AS hb, latency_hist_counts AS hc
            FROM %s
            WHERE tenant = :tenant AND bucket_start >= :%s AND bucket_start < :%s""";

    /** Columns of an execution source row read from a summary (no prompt dimensions). */
    private static final String EXECUTION_SUMMARY_COLUMNS = """
            SELECT bucket_start, %s, NULL::text AS prompt_slug, NULL::int AS prompt_version, environment, provider, model,
                   status, error_type, NULL::text AS user_identifier, NULL::text AS session_id,
                   execution_count, unpriced_count, input_tokens, output_tokens, total_tokens, total_cost, latency_sum_ms,
                   latency_hist_buckets AS hb, latency_hist_counts AS hc
            FROM %s
            WHERE tenant = :tenant AND bucket_start >= :%s AND bucket_start < :%s""";

    private static final String EXECUTION_RAW_COLUMNS = """
            SELECT occurred_at AS bucket_start, %s, prompt_slug, prompt_version, environment, provider, model,
                   status, error_type, user_identifier, session_id,
                   1::bigint AS execution_count, (pricing_status <> 'priced')::int::bigint AS unpriced_count,
                   input_tokens, output_tokens, total_tokens,
                   coalesce(total_cost, 0) AS total_cost, execution_time_ms AS latency_sum_ms,
                   ARRAY[latency_bucket] AS hb, ARRAY[1::bigint] AS hc
            FROM execution_fact
            WHERE tenant = :tenant AND occurred_at >= :%s AND occurred_at < :%s""";

    private static final String USAGE_ROLLUP_COLUMNS = """
            SELECT bucket_start, %s, prompt_slug, prompt_version, environment,
                   NULL::text AS user_identifier, NULL::text AS session_id, usage_count
            FROM %s
            WHERE tenant = :tenant AND bucket_start >= :%s AND bucket_start < :%s""";

    private static final String USAGE_SUMMARY_COLUMNS = """
            SELECT bucket_start, %s, NULL::text AS prompt_slug, NULL::int AS prompt_version, environment,
                   NULL::text AS user_identifier, NULL::text AS session_id, usage_count
            FROM %s
            WHERE tenant = :tenant AND bucket_start >= :%s AND bucket_start < :%s""";

    private static final String USAGE_RAW_COLUMNS = """
            SELECT occurred_at AS bucket_start, %s, prompt_slug, prompt_version, environment,
                   user_identifier, session_id, 1::bigint AS usage_count
            FROM usage_fact
            WHERE tenant = :tenant AND occurred_at >= :%s AND occurred_at < :%s""";

    /**
     * The UTC day and hour of a source row ({@link TimeBucket}): a rollup row already is one, so only
     * raw facts (and hourly rows grouped by day) pay for {@code date_trunc}, which costs more than the
     * sums over thousands of daily rows.
     */
    private static final String DAILY_TIME = "bucket_start AS day_start, bucket_start AS hour_start";

    private static final String HOURLY_TIME =
            "date_trunc('day', bucket_start, 'UTC') AS day_start, bucket_start AS hour_start";
    private static final String RAW_TIME =
            "date_trunc('day', occurred_at, 'UTC') AS day_start, date_trunc('hour', occurred_at, 'UTC') AS hour_start";

    private FactSources() {}

    /**
     * Whether the prompt-less summaries can answer: no prompt or version filter and no grouping by
     * prompt or version (user and session go to raw facts anyway).
     */
    static boolean summaries(QueryFilter filter, Collection<Dimension> groups) {
        return filter.prompt() == null
                && filter.version() == null
                && groups.stream().noneMatch(Dimension::ofPrompts);
    }

    /**
     * The sources of one kind of fact: its column lists per source, its table in a rollup shape, the prefix of
     * its bind parameters, and whether provider/model/status filters apply (executions only).
     */
    private record Family(
            Function<RollupShape, String> table,
            String summaryColumns,
            String rollupColumns,
            String rawColumns,
            String parameterPrefix,
            boolean executionFilters) {}

    private static final Family EXECUTIONS = new Family(
            RollupShape::executionTable,
            EXECUTION_SUMMARY_COLUMNS,
            EXECUTION_ROLLUP_COLUMNS,
            EXECUTION_RAW_COLUMNS,
            "seg",
            true);
    private static final Family USAGES = new Family(
            RollupShape::usageTable, USAGE_SUMMARY_COLUMNS, USAGE_ROLLUP_COLUMNS, USAGE_RAW_COLUMNS, "useg", false);

    /**
     * Executions matching the filter; {@code errorsOnly} keeps status error and timeout. Rollup rows
     * come from the summaries when {@code groups} (what the caller groups by) allow it.
     */
    static String executions(
            String tenant,
            QueryFilter filter,
            Collection<Dimension> groups,
            boolean allowDaily,
            boolean forceRaw,
            boolean errorsOnly,
            MapSqlParameterSource params) {
        String condition = errorsOnly ? "\n  AND status IN ('error', 'timeout')" : "";
        return union(EXECUTIONS, tenant, filter, groups, allowDaily, forceRaw, condition, params);
    }

    /** Usages matching the filter (provider and model do not apply: usages have neither). */
    static String usages(
            String tenant,
            QueryFilter filter,
            Collection<Dimension> groups,
            boolean allowDaily,
            boolean forceRaw,
            MapSqlParameterSource params) {
        return union(USAGES, tenant, filter, groups, allowDaily, forceRaw, "", params);
    }

    /** One {@code UNION ALL} branch per segment of the range, each from its cheapest exact source. */
    private static String union(
            Family family,
            String tenant,
            QueryFilter filter,
            Collection<Dimension> groups,
            boolean allowDaily,
            boolean forceRaw,
            String condition,
            MapSqlParameterSource params) {
        params.addValue("tenant", tenant);
        boolean byPrompt = !summaries(filter, groups);
        String columns = summaries(filter, groups) ? family.summaryColumns() : family.rollupColumns();
        var branches = new ArrayList<String>();
        int i = 0;
        for (Segment segment : segments(filter, allowDaily, forceRaw)) {
            String fromName = family.parameterPrefix() + i + "_from";
            String toName = family.parameterPrefix() + i + "_to";
            params.addValue(fromName, timestamp(segment.from()));
            params.addValue(toName, timestamp(segment.to()));
            var sql = new StringBuilder(
                    switch (segment.source()) {
                        case DAILY ->
                            columns.formatted(
                                    DAILY_TIME,
                                    family.table().apply(RollupShape.of(Grain.DAY, byPrompt)),
                                    fromName,
                                    toName);
                        case HOURLY ->
                            columns.formatted(
                                    HOURLY_TIME,
                                    family.table().apply(RollupShape.of(Grain.HOUR, byPrompt)),
                                    fromName,
                                    toName);
                        case RAW -> family.rawColumns().formatted(RAW_TIME, fromName, toName);
                    });
            appendFilters(sql, filter, family.executionFilters(), params);
            sql.append(condition);
            branches.add(sql.toString());
            i++;
        }
        if (branches.isEmpty()) {
            // An empty range: a source with the right columns and no rows.
            String empty = family.parameterPrefix() + "_empty";
            params.addValue(empty, timestamp(filter.from()));
            return family.rawColumns().formatted(RAW_TIME, empty, empty) + " AND false";
        }
        return String.join("\nUNION ALL\n", branches);
    }

    /**
     * Executions of the given UTC hours (bucket starts), from the hourly rollups alone: per prompt when
     * {@code byPrompt}, else the summaries. Every value is a bind parameter.
     */
    static String executionHours(
            String tenant, Collection<Instant> hours, boolean byPrompt, MapSqlParameterSource params) {
        return hours(EXECUTIONS, tenant, hours, byPrompt, params);
    }

    /** Usages of the given UTC hours, from the hourly rollups alone. */
    static String usageHours(String tenant, Collection<Instant> hours, boolean byPrompt, MapSqlParameterSource params) {
        return hours(USAGES, tenant, hours, byPrompt, params);
    }

    private static String hours(
            Family family, String tenant, Collection<Instant> hours, boolean byPrompt, MapSqlParameterSource params) {
        params.addValue("tenant", tenant);
        String prefix = family.parameterPrefix() + "h";
        // the range keeps the partition pruning; the list picks the hours inside it
        params.addValue(
                prefix + "_from",
                timestamp(hours.stream().min(Instant::compareTo).orElseThrow()));
        params.addValue(
                prefix + "_to",
                timestamp(hours.stream().max(Instant::compareTo).orElseThrow().plusSeconds(3600)));
        params.addValue(
                prefix + "_hours", hours.stream().map(FactSources::timestamp).toList());
        String columns = byPrompt ? family.rollupColumns() : family.summaryColumns();
        return columns.formatted(
                        HOURLY_TIME,
                        family.table().apply(RollupShape.of(Grain.HOUR, byPrompt)),
                        prefix + "_from",
                        prefix + "_to")
                + "\n  AND bucket_start IN (:" + prefix + "_hours)";
    }

    private static List<Segment> segments(QueryFilter filter, boolean allowDaily, boolean forceRaw) {
        return RangePlan.plan(filter.from(), filter.to(), allowDaily, forceRaw || filter.needsRawFacts());
    }

    /** The filter as SQL conditions on a source row (raw fact or rollup), its values as bind parameters. */
    public static void appendFilters(
            StringBuilder sql, QueryFilter filter, boolean executions, MapSqlParameterSource params) {
        if (filter.prompt() != null) {
            sql.append("\n  AND prompt_slug = :prompt");
            params.addValue("prompt", filter.prompt());
        }
        if (filter.version() != null) {
            sql.append("\n  AND prompt_version = :version");
            params.addValue("version", filter.version());
        }
        if (filter.environment() != null) {
            sql.append("\n  AND environment = :environment");
            params.addValue("environment", filter.environment());
        }
        if (executions && filter.provider() != null) {
            sql.append("\n  AND provider = :provider");
            params.addValue("provider", filter.provider());
        }
        if (executions && filter.model() != null) {
            sql.append("\n  AND model = :model");
            params.addValue("model", filter.model());
        }
        // user and session only ever reach raw branches (RangePlan makes the whole range raw)
        if (filter.user() != null) {
            sql.append("\n  AND user_identifier = :user");
            params.addValue("user", filter.user());
        }
        if (filter.session() != null) {
            sql.append("\n  AND session_id = :session");
            params.addValue("session", filter.session());
        }
    }

    public static java.time.OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
