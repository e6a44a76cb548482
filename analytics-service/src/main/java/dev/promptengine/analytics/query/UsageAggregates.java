package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.QueryFilter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Usage counts (prompt renders) for any filter, time bucket and group of a usage dimension. */
@Component
class UsageAggregates {

    record Count(Instant bucket, String key, long usages) {}

    private static final String AGGREGATE = """
            WITH src AS (
            %s
            )
            SELECT %s AS g_time, %s AS g_key, sum(usage_count) AS usages
            FROM src
            GROUP BY 1, 2
            ORDER BY 1, 2""";

    private final JdbcClient jdbc;

    UsageAggregates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Count> count(String tenant, QueryFilter filter, TimeBucket time, Dimension group) {
        if (group != null && !group.ofUsages) {
            throw new IllegalArgumentException("usages have no " + group);
        }
        var params = new MapSqlParameterSource();
        String source = FactSources.usages(
                tenant,
                filter,
                group == null ? List.of() : List.of(group),
                time.allowsDailyRollup(),
                group != null && group.needsRawFacts(),
                params);
        String sql = AGGREGATE.formatted(source, time.sql, group == null ? "NULL::text" : group.sql);
        return jdbc.sql(sql)
                .paramSource(params)
                .query((rs, row) -> {
                    var bucket = rs.getObject("g_time", OffsetDateTime.class);
                    return new Count(
                            bucket == null ? null : bucket.toInstant(), rs.getString("g_key"), rs.getLong("usages"));
                })
                .list();
    }

    long total(String tenant, QueryFilter filter) {
        return count(tenant, filter, TimeBucket.NONE, null).stream()
                .mapToLong(Count::usages)
                .sum();
    }
}
