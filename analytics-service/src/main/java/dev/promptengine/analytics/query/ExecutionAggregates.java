package dev.promptengine.analytics.query;

import dev.promptengine.analytics.facts.LatencyHistogram;
import dev.promptengine.analytics.filter.QueryFilter;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Execution aggregates for any filter, time bucket and group: counts, token and cost sums, latency
 * sum and p50/p95/p99 from the merged latency histograms ({@code hist_quantile}).
 */
@Component
class ExecutionAggregates {

    /**
     * Sums an answer may not need: each costs about as much as the scan of a daily row, so a
     * timeseries of one metric computes only that one (the others read 0). Executions are always
     * summed.
     */
    enum Measure {
        OUTCOMES(
                "coalesce(sum(execution_count) FILTER (WHERE status = 'success'), 0) AS successes,"
                        + " coalesce(sum(execution_count) FILTER (WHERE status IN ('error', 'timeout')), 0) AS errors",
                "0::bigint AS successes, 0::bigint AS errors"),
        TOKENS(
                "sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,"
                        + " sum(total_tokens) AS total_tokens",
                "0::bigint AS input_tokens, 0::bigint AS output_tokens, 0::bigint AS total_tokens"),
        COST(
                "sum(total_cost) AS total_cost, sum(unpriced_count) AS unpriced_executions",
                "0::numeric AS total_cost, 0::bigint AS unpriced_executions"),
        LATENCY("sum(latency_sum_ms) AS latency_sum_ms", "0::bigint AS latency_sum_ms");

        static final Set<Measure> ALL = Collections.unmodifiableSet(EnumSet.allOf(Measure.class));

        private final String summed;
        private final String skipped;

        Measure(String summed, String skipped) {
            this.summed = summed;
            this.skipped = skipped;
        }

        static String columns(Set<Measure> measures) {
            return Arrays.stream(values())
                    .map(m -> measures.contains(m) ? m.summed : m.skipped)
                    .collect(Collectors.joining(",\n           "));
        }
    }

    /**
     * What to aggregate: the time bucket, the group (null: none), whether to merge histograms, only
     * errors, and which sums.
     */
    record Aggregation(
            TimeBucket time, Dimension group, boolean percentiles, boolean errorsOnly, Set<Measure> measures) {

        Aggregation(TimeBucket time, Dimension group, boolean percentiles, boolean errorsOnly) {
            this(time, group, percentiles, errorsOnly, Measure.ALL);
        }

        Aggregation withMeasures(Set<Measure> only) {
            return new Aggregation(time, group, percentiles, errorsOnly, only);
        }

        static Aggregation total() {
            return new Aggregation(TimeBucket.NONE, null, true, false);
        }

        static Aggregation by(Dimension group) {
            return new Aggregation(TimeBucket.NONE, group, true, false);
        }

        Aggregation withoutPercentiles() {
            return new Aggregation(time, group, false, errorsOnly, measures);
        }

        Aggregation onlyErrors() {
            return new Aggregation(time, group, percentiles, true, measures);
        }

        boolean needsRawFacts() {
            return group != null && group.needsRawFacts();
        }

        List<Dimension> groups() {
            return group == null ? List.of() : List.of(group);
        }
    }

    /** One group of one time bucket ({@code bucket}/{@code key} null when not bucketed/grouped). */
    record Stats(
            Instant bucket,
            String key,
            long executions,
            long successes,
            long errors,
            long inputTokens,
            long outputTokens,
            long totalTokens,
            BigDecimal totalCost,
            long unpricedExecutions,
            long latencySumMs,
            Double p50,
            Double p95,
            Double p99) {

        static Stats empty(Instant bucket, String key) {
            return new Stats(bucket, key, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO, 0, 0, null, null, null);
        }
    }

    private static final String AGGREGATE = """
            WITH src AS NOT MATERIALIZED (
            %s
            ),
            agg AS (
                SELECT %s AS g_time, %s AS g_key,
                       sum(execution_count) AS executions,
                       %s
                FROM src
                GROUP BY 1, 2
            )
            %s
            """;

    private static final String WITHOUT_PERCENTILES = """
            SELECT agg.*, NULL::float8 AS p50, NULL::float8 AS p95, NULL::float8 AS p99
            FROM agg
            ORDER BY g_time, g_key""";

    private static final String WITH_PERCENTILES = """
            , hist AS (
                SELECT g_time, g_key, array_agg(b) AS hb, array_agg(n) AS hc
                FROM (
                    -- merge the histograms: one row per group and bucket before the quantile function
                    SELECT %s AS g_time, %s AS g_key, h.b, sum(h.n)::bigint AS n
                    FROM src CROSS JOIN LATERAL unnest(src.hb, src.hc) AS h(b, n)
                    GROUP BY 1, 2, 3
                ) merged
                GROUP BY 1, 2
            )
            SELECT agg.*,
                   hist_quantile(hist.hb, hist.hc, 0.50) AS p50,
                   hist_quantile(hist.hb, hist.hc, 0.95) AS p95,
                   hist_quantile(hist.hb, hist.hc, 0.99) AS p99
            FROM agg
            LEFT JOIN hist ON hist.g_time IS NOT DISTINCT FROM agg.g_time AND hist.g_key IS NOT DISTINCT FROM agg.g_key
            ORDER BY g_time, g_key""";

    private final JdbcClient jdbc;
    private final DailyHistograms dailyHistograms;

    ExecutionAggregates(JdbcClient jdbc, DailyHistograms dailyHistograms) {
        this.jdbc = jdbc;
        this.dailyHistograms = dailyHistograms;
    }

    List<Stats> aggregate(String tenant, QueryFilter filter, Aggregation aggregation) {
        var params = new MapSqlParameterSource();
        String source = FactSources.executions(
                tenant,
                filter,
                aggregation.groups(),
                aggregation.time().allowsDailyRollup(),
                aggregation.needsRawFacts(),
                aggregation.errorsOnly(),
                params);
        // Ungrouped percentiles over whole days reuse the cached per-day histograms; the query then
        // groups by day so that its per-day counts validate the cache (see DailyHistograms).
        boolean perDayHistograms = aggregation.percentiles()
                && aggregation.group() == null
                && aggregation.time() != TimeBucket.HOUR
                && !aggregation.errorsOnly()
                && DailyHistograms.applies(filter);
        // Other percentiles over rollups: the rows' histograms are merged here rather than with
        // unnest + hist_quantile per group in SQL (a 90-day p95 per model: ~0.4 s of database CPU).
        // Raw-only answers (user, session) keep the SQL merge: their rows are single buckets.
        boolean mergeHere = aggregation.percentiles()
                && !perDayHistograms
                && !aggregation.needsRawFacts()
                && !filter.needsRawFacts();
        String time = perDayHistograms ? TimeBucket.DAY.sql : aggregation.time().sql;
        String key = aggregation.group() == null ? "NULL::text" : aggregation.group().sql;
        String tail = aggregation.percentiles() && !perDayHistograms && !mergeHere
                ? WITH_PERCENTILES.formatted(time, key)
                : WITHOUT_PERCENTILES;
        String sql = AGGREGATE.formatted(source, time, key, Measure.columns(aggregation.measures()), tail);
        List<Stats> rows = jdbc.sql(sql)
                .paramSource(params)
                .query(ExecutionAggregates::stats)
                .list();
        if (mergeHere && !rows.isEmpty()) {
            var merged = histograms(tenant, filter, aggregation, time, key);
            return rows.stream()
                    .map(row -> withPercentiles(
                            row, merged.getOrDefault(new GroupKey(row.bucket(), row.key()), new LatencyHistogram())))
                    .toList();
        }
        if (!perDayHistograms || rows.isEmpty()) {
            return rows;
        }
        var dayCounts = new HashMap<Instant, Long>();
        rows.forEach(row -> dayCounts.put(row.bucket(), row.executions()));
        Map<Instant, LatencyHistogram> days = dailyHistograms.perDay(tenant, filter, dayCounts);
        if (aggregation.time() == TimeBucket.NONE) {
            return List.of(withPercentiles(sum(rows), DailyHistograms.merge(days.values())));
        }
        return rows.stream()
                .map(row -> withPercentiles(row, days.getOrDefault(row.bucket(), new LatencyHistogram())))
                .toList();
    }

    private record GroupKey(Instant bucket, String key) {}

    private static final String HISTOGRAMS = """
            WITH src AS NOT MATERIALIZED (
            %s
            )
            SELECT %s AS g_time, %s AS g_key, hb, hc FROM src""";

    /** The merged histogram of each time bucket and group, from the source rows' arrays. */
    private Map<GroupKey, LatencyHistogram> histograms(
            String tenant, QueryFilter filter, Aggregation aggregation, String time, String key) {
        var params = new MapSqlParameterSource();
        String source = FactSources.executions(
                tenant,
                filter,
                aggregation.groups(),
                aggregation.time().allowsDailyRollup(),
                false,
                aggregation.errorsOnly(),
                params);
        var merged = new HashMap<GroupKey, LatencyHistogram>();
        jdbc.sql(HISTOGRAMS.formatted(source, time, key)).paramSource(params).query(rs -> {
            var bucket = rs.getObject("g_time", OffsetDateTime.class);
            var histogram = merged.computeIfAbsent(
                    new GroupKey(bucket == null ? null : bucket.toInstant(), rs.getString("g_key")),
                    k -> new LatencyHistogram());
            Object[] buckets = (Object[]) rs.getArray("hb").getArray();
            Object[] counts = (Object[]) rs.getArray("hc").getArray();
            for (int i = 0; i < buckets.length; i++) {
                histogram.addBucket(((Number) buckets[i]).intValue(), ((Number) counts[i]).longValue());
            }
        });
        return merged;
    }

    /** The total of per-day rows (no bucket, no key). */
    private static Stats sum(List<Stats> rows) {
        Stats total = Stats.empty(null, null);
        for (Stats r : rows) {
            total = new Stats(
                    null,
                    null,
                    total.executions() + r.executions(),
                    total.successes() + r.successes(),
                    total.errors() + r.errors(),
                    total.inputTokens() + r.inputTokens(),
                    total.outputTokens() + r.outputTokens(),
                    total.totalTokens() + r.totalTokens(),
                    total.totalCost().add(r.totalCost()),
                    total.unpricedExecutions() + r.unpricedExecutions(),
                    total.latencySumMs() + r.latencySumMs(),
                    null,
                    null,
                    null);
        }
        return total;
    }

    private static Stats withPercentiles(Stats s, LatencyHistogram histogram) {
        return new Stats(
                s.bucket(),
                s.key(),
                s.executions(),
                s.successes(),
                s.errors(),
                s.inputTokens(),
                s.outputTokens(),
                s.totalTokens(),
                s.totalCost(),
                s.unpricedExecutions(),
                s.latencySumMs(),
                quantile(histogram, 0.50),
                quantile(histogram, 0.95),
                quantile(histogram, 0.99));
    }

    private static Double quantile(LatencyHistogram histogram, double q) {
        return histogram.count() == 0 ? null : histogram.quantile(q);
    }

    /** The total (with percentiles), the total per UTC day, and one breakdown per dimension. */
    record Breakdowns(Stats total, List<Stats> byDay, Map<Dimension, List<Stats>> groups) {}

    private static final String BREAKDOWNS = """
            WITH src AS NOT MATERIALIZED (
            %s
            )
            SELECT GROUPING(%s) AS g_mask, %s AS g_time, NULL::text AS g_key, %s,
                   sum(execution_count) AS executions,
                   coalesce(sum(execution_count) FILTER (WHERE status = 'success'), 0) AS successes,
                   coalesce(sum(execution_count) FILTER (WHERE status IN ('error', 'timeout')), 0) AS errors,
                   sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                   sum(total_tokens) AS total_tokens, sum(total_cost) AS total_cost,
                   sum(unpriced_count) AS unpriced_executions, sum(latency_sum_ms) AS latency_sum_ms,
                   NULL::float8 AS p50, NULL::float8 AS p95, NULL::float8 AS p99
            FROM src
            GROUP BY GROUPING SETS (%s)""";

    /**
     * Totals per day and per value of each dimension in one scan of the source ({@code GROUPING
     * SETS}); the total's percentiles come from the per-day histograms (or, for user and session
     * filters, from a second query that merges the raw facts' buckets).
     */
    Breakdowns breakdowns(String tenant, QueryFilter filter, List<Dimension> dimensions) {
        var params = new MapSqlParameterSource();
        boolean raw = dimensions.stream().anyMatch(Dimension::needsRawFacts);
        String source = FactSources.executions(tenant, filter, dimensions, true, raw, false, params);
        var expressions = new java.util.ArrayList<String>();
        expressions.add(TimeBucket.DAY.sql);
        dimensions.forEach(d -> expressions.add(d.sql));
        var keyColumns = new java.util.ArrayList<String>();
        for (int i = 0; i < dimensions.size(); i++) {
            keyColumns.add(dimensions.get(i).sql + " AS k" + i);
        }
        String sets =
                String.join(", ", expressions.stream().map(e -> "(" + e + ")").toList());
        String sql = BREAKDOWNS.formatted(
                source, String.join(", ", expressions), TimeBucket.DAY.sql, String.join(", ", keyColumns), sets);
        var byDay = new java.util.ArrayList<Stats>();
        var groups = new java.util.LinkedHashMap<Dimension, List<Stats>>();
        dimensions.forEach(d -> groups.put(d, new java.util.ArrayList<>()));
        int width = expressions.size();
        jdbc.sql(sql).paramSource(params).query(rs -> {
            int mask = rs.getInt("g_mask");
            // GROUPING(...) has a 0 bit (most significant first) for the one expression grouped by
            int grouped = width - 1 - Integer.numberOfTrailingZeros(~mask);
            Stats row = stats(rs, 0);
            if (grouped == 0) {
                byDay.add(row);
            } else {
                String key = rs.getString("k" + (grouped - 1));
                groups.get(dimensions.get(grouped - 1)).add(withKey(row, key));
            }
        });
        byDay.sort(java.util.Comparator.comparing(Stats::bucket));
        Stats total;
        if (byDay.isEmpty()) {
            total = Stats.empty(null, null);
        } else if (DailyHistograms.applies(filter) && !raw) {
            var dayCounts = new HashMap<Instant, Long>();
            byDay.forEach(row -> dayCounts.put(row.bucket(), row.executions()));
            var days = dailyHistograms.perDay(tenant, filter, dayCounts);
            total = withPercentiles(sum(byDay), DailyHistograms.merge(days.values()));
        } else {
            total = total(tenant, filter);
        }
        return new Breakdowns(total, List.copyOf(byDay), groups);
    }

    private static Stats withKey(Stats s, String key) {
        return new Stats(
                null,
                key,
                s.executions(),
                s.successes(),
                s.errors(),
                s.inputTokens(),
                s.outputTokens(),
                s.totalTokens(),
                s.totalCost(),
                s.unpricedExecutions(),
                s.latencySumMs(),
                null,
                null,
                null);
    }

    /** The totals over the whole filter (a zero row when nothing matched). */
    Stats total(String tenant, QueryFilter filter) {
        return aggregate(tenant, filter, Aggregation.total()).stream()
                .findFirst()
                .orElse(Stats.empty(null, null));
    }

    private static Stats stats(ResultSet rs, int row) throws SQLException {
        var bucket = rs.getObject("g_time", OffsetDateTime.class);
        return new Stats(
                bucket == null ? null : bucket.toInstant(),
                rs.getString("g_key"),
                rs.getLong("executions"),
                rs.getLong("successes"),
                rs.getLong("errors"),
                rs.getLong("input_tokens"),
                rs.getLong("output_tokens"),
                rs.getLong("total_tokens"),
                rs.getBigDecimal("total_cost"),
                rs.getLong("unpriced_executions"),
                rs.getLong("latency_sum_ms"),
                nullableDouble(rs, "p50"),
                nullableDouble(rs, "p95"),
                nullableDouble(rs, "p99"));
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }
}
