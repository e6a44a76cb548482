package dev.promptengine.analytics.query;

import dev.promptengine.analytics.facts.LatencyHistogram;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.RangePlan.Segment;
import dev.promptengine.analytics.rollup.Grain;
import dev.promptengine.analytics.rollup.RollupShape;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Latency histograms per UTC day for a filter on rollup dimensions. Whole days come from
 * {@code latency_histogram_cache} when the cached execution count still equals the daily rollup's
 * (see V4), otherwise they are merged from the daily rollup rows and cached; the hours and partial
 * hours at the edges are merged from the hourly rollup and raw facts on every request (they are
 * small). Merging happens in the database; the quantiles use {@link LatencyHistogram}, the same
 * definition as {@code hist_quantile}.
 */
@Component
class DailyHistograms {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String CACHED = """
            SELECT day, execution_count, buckets, counts
            FROM latency_histogram_cache
            WHERE tenant = :tenant AND filter_key = :filterKey AND day >= :dayFrom AND day < :dayTo""";

    private static final String MERGE_DAYS = """
            SELECT r.bucket_start AS day, h.b, sum(h.n)::bigint AS n
            FROM %s r
            CROSS JOIN LATERAL unnest(r.latency_hist_buckets, r.latency_hist_counts) AS h(b, n)
            WHERE tenant = :tenant AND bucket_start IN (:days)""";

    private static final String MERGE_EDGES = """
            SELECT src.day_start AS day, h.b, sum(h.n)::bigint AS n
            FROM (
            %s
            ) src
            CROSS JOIN LATERAL unnest(src.hb, src.hc) AS h(b, n)
            GROUP BY 1, 2""";

    private static final String STORE = """
            INSERT INTO latency_histogram_cache (tenant, filter_key, day, execution_count, buckets, counts, computed_at)
            VALUES (:tenant, :filterKey, :day, :count, CAST(:buckets AS int[]), CAST(:counts AS bigint[]), now())
            ON CONFLICT (tenant, filter_key, day) DO UPDATE
            SET execution_count = EXCLUDED.execution_count, buckets = EXCLUDED.buckets, counts = EXCLUDED.counts,
                computed_at = EXCLUDED.computed_at""";

    private final JdbcClient jdbc;

    DailyHistograms(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether a request can be answered this way: no user/session filter (those are raw facts). */
    static boolean applies(QueryFilter filter) {
        return !filter.needsRawFacts();
    }

    /**
     * Histograms of the executions matching {@code filter}, by start of UTC day.
     *
     * @param dayCounts executions per UTC day for the same filter and range (a whole day's count is
     *     the daily rollup's count, which validates the cached histogram)
     */
    Map<Instant, LatencyHistogram> perDay(String tenant, QueryFilter filter, Map<Instant, Long> dayCounts) {
        var days = new TreeMap<Instant, LatencyHistogram>();
        Instant dailyFrom = null;
        Instant dailyTo = null;
        for (Segment segment : RangePlan.plan(filter.from(), filter.to(), true, false)) {
            if (segment.source() == RangePlan.Source.DAILY) {
                dailyFrom = segment.from();
                dailyTo = segment.to();
            }
        }
        if (dailyFrom != null) {
            wholeDays(tenant, filter, dailyFrom, dailyTo, dayCounts, days);
            edges(tenant, filter, filter.from(), dailyFrom, days);
            edges(tenant, filter, dailyTo, filter.to(), days);
        } else {
            edges(tenant, filter, filter.from(), filter.to(), days);
        }
        return days;
    }

    private void wholeDays(
            String tenant,
            QueryFilter filter,
            Instant from,
            Instant to,
            Map<Instant, Long> dayCounts,
            Map<Instant, LatencyHistogram> days) {
        var params = base(tenant, from, to).addValue("filterKey", filterKey(filter));
        var counts = new HashMap<Instant, Long>();
        dayCounts.forEach((day, n) -> {
            if (!day.isBefore(from) && day.isBefore(to) && n > 0) {
                counts.put(day, n);
            }
        });
        var stale = new ArrayList<Instant>(counts.keySet());
        jdbc.sql(CACHED).paramSource(params).query(rs -> {
            Instant day = rs.getObject("day", OffsetDateTime.class).toInstant();
            if (counts.containsKey(day) && counts.get(day) == rs.getLong("execution_count")) {
                days.put(day, histogram(rs.getArray("buckets"), rs.getArray("counts")));
                stale.remove(day);
            }
        });
        if (stale.isEmpty()) {
            return;
        }
        var merged = new TreeMap<Instant, LatencyHistogram>();
        var mergeParams = base(tenant, from, to)
                .addValue("days", stale.stream().map(FactSources::timestamp).toList());
        var mergeSql = new StringBuilder(
                MERGE_DAYS.formatted(RollupShape.of(Grain.DAY, !FactSources.summaries(filter, List.of()))
                        .executionTable()));
        FactSources.appendFilters(mergeSql, filter, true, mergeParams);
        mergeSql.append("\nGROUP BY 1, 2");
        jdbc.sql(mergeSql.toString()).paramSource(mergeParams).query(rs -> {
            merged.computeIfAbsent(rs.getObject("day", OffsetDateTime.class).toInstant(), d -> new LatencyHistogram())
                    .addBucket(rs.getInt("b"), rs.getLong("n"));
        });
        merged.forEach((day, histogram) -> {
            days.put(day, histogram);
            jdbc.sql(STORE)
                    .param("tenant", tenant)
                    .param("filterKey", filterKey(filter))
                    .param("day", FactSources.timestamp(day))
                    .param("count", counts.get(day))
                    .param(
                            "buckets",
                            arrayLiteral(
                                    java.util.Arrays.stream(histogram.buckets()).mapToObj(Long::valueOf)))
                    .param(
                            "counts",
                            arrayLiteral(
                                    java.util.Arrays.stream(histogram.counts()).boxed()))
                    .update();
        });
    }

    private void edges(
            String tenant, QueryFilter filter, Instant from, Instant to, Map<Instant, LatencyHistogram> days) {
        if (!from.isBefore(to)) {
            return;
        }
        var params = new MapSqlParameterSource();
        var edge = new QueryFilter(
                from,
                to,
                filter.prompt(),
                filter.version(),
                filter.environment(),
                filter.provider(),
                filter.model(),
                filter.user(),
                filter.session());
        String source = FactSources.executions(tenant, edge, List.of(), false, false, false, params);
        jdbc.sql(MERGE_EDGES.formatted(source)).paramSource(params).query(rs -> {
            days.computeIfAbsent(rs.getObject("day", OffsetDateTime.class).toInstant(), d -> new LatencyHistogram())
                    .addBucket(rs.getInt("b"), rs.getLong("n"));
        });
    }

    private static MapSqlParameterSource base(String tenant, Instant from, Instant to) {
        return new MapSqlParameterSource()
                .addValue("tenant", tenant)
                .addValue("dayFrom", FactSources.timestamp(from))
                .addValue("dayTo", FactSources.timestamp(to));
    }

    /** The rollup-dimension filters as canonical JSON (user and session never reach this class). */
    static String filterKey(QueryFilter filter) {
        var values = new ArrayList<Object>();
        values.add(filter.prompt());
        values.add(filter.version());
        values.add(filter.environment());
        values.add(filter.provider());
        values.add(filter.model());
        return JSON.writeValueAsString(values);
    }

    private static String arrayLiteral(java.util.stream.Stream<Long> values) {
        return "{" + String.join(",", values.map(String::valueOf).toList()) + "}";
    }

    private static LatencyHistogram histogram(Array buckets, Array counts) throws SQLException {
        var histogram = new LatencyHistogram();
        Integer[] b = (Integer[]) buckets.getArray();
        Long[] c = (Long[]) counts.getArray();
        for (int i = 0; i < b.length; i++) {
            histogram.addBucket(b[i], c[i]);
        }
        return histogram;
    }

    /** The merge of several days. */
    static LatencyHistogram merge(Iterable<LatencyHistogram> histograms) {
        var total = new LatencyHistogram();
        for (LatencyHistogram h : histograms) {
            int[] b = h.buckets();
            long[] c = h.counts();
            for (int i = 0; i < b.length; i++) {
                total.addBucket(b[i], c[i]);
            }
        }
        return total;
    }
}
