package dev.promptengine.analytics.rebuild;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.analytics.partition.RollupLock;
import dev.promptengine.analytics.rollup.RollupShape;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recomputes every {@link RollupShape} (hourly and daily, per prompt and the prompt-less summaries)
 * of a time range from the raw facts, in one transaction that holds the rollup lock exclusively (live batches wait, then add on top). The range is widened
 * to whole UTC days so daily rows are complete. Ranges reaching past the raw retention are refused:
 * their facts are gone, and a rebuild would erase rollups it cannot recompute.
 */
@Component
public class RollupRebuilder {

    /** What was rebuilt. */
    public record Result(Instant from, Instant to, long executions, long usages, long rollupRows) {}

    private static final Logger log = LoggerFactory.getLogger(RollupRebuilder.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final PartitionManager partitions;
    private final AnalyticsProperties properties;
    private final Clock clock;

    RollupRebuilder(WritePool pool, PartitionManager partitions, AnalyticsProperties properties, Clock clock) {
        this.jdbc = pool.jdbc();
        this.transactions = pool.transactions();
        this.partitions = partitions;
        this.properties = properties;
        this.clock = clock;
    }

    public Result rebuild(Instant requestedFrom, Instant requestedTo) {
        if (!requestedFrom.isBefore(requestedTo)) {
            throw new IllegalArgumentException("from must be before to");
        }
        Instant from = requestedFrom.truncatedTo(ChronoUnit.DAYS);
        Instant oldestRaw = LocalDate.now(clock.withZone(ZoneOffset.UTC))
                .minusDays(properties.retention().rawDays())
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        if (from.isBefore(oldestRaw)) {
            throw new IllegalArgumentException(
                    "from " + requestedFrom + " is older than the raw retention (facts before " + oldestRaw
                            + " are dropped), so its rollups cannot be recomputed");
        }
        Instant to = requestedTo.truncatedTo(ChronoUnit.DAYS).equals(requestedTo)
                ? requestedTo
                : requestedTo.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        // no fact can be later than now + max-future-skew: a later 'to' would only create empty
        // partitions (one per day: to=9999-12-31 would be millions)
        Instant latest = clock.instant()
                .plus(properties.maxFutureSkew())
                .truncatedTo(ChronoUnit.DAYS)
                .plus(1, ChronoUnit.DAYS);
        if (to.isAfter(latest)) {
            throw new IllegalArgumentException("to " + requestedTo + " is after " + latest
                    + " (now + max-future-skew): no facts can exist there, so there is nothing to rebuild");
        }
        var days = new ArrayList<Instant>();
        for (var day = LocalDate.ofInstant(from, ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(to);
                day = day.plusDays(1)) {
            days.add(day.atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        partitions.ensureRawDays(days);
        var result = transactions.execute(status -> {
            RollupLock.exclusive(jdbc);
            long rows = 0;
            for (RollupShape shape : RollupShape.values()) {
                for (String table : new String[] {shape.executionTable(), shape.usageTable()}) {
                    jdbc.sql("DELETE FROM " + table + " WHERE bucket_start >= :from AND bucket_start < :to")
                            .param("from", java.sql.Timestamp.from(from))
                            .param("to", java.sql.Timestamp.from(to))
                            .update();
                }
                rows += jdbc.sql(executions(shape))
                        .param("from", java.sql.Timestamp.from(from))
                        .param("to", java.sql.Timestamp.from(to))
                        .update();
                rows += jdbc.sql(usages(shape))
                        .param("from", java.sql.Timestamp.from(from))
                        .param("to", java.sql.Timestamp.from(to))
                        .update();
            }
            long executions = count("execution_fact", from, to);
            long usages = count("usage_fact", from, to);
            return new Result(from, to, executions, usages, rows);
        });
        log.info("Rebuilt rollups: {}", result);
        return result;
    }

    private long count(String table, Instant from, Instant to) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE occurred_at >= :from AND occurred_at < :to")
                .param("from", java.sql.Timestamp.from(from))
                .param("to", java.sql.Timestamp.from(to))
                .query(Long.class)
                .single();
    }

    /** The execution rollup rows of a shape, computed from the raw facts (every shape, the same aggregate). */
    static String executions(RollupShape shape) {
        var dimensions = shape.executionDimensions();
        return EXECUTIONS.formatted(
                shape.executionTable(),
                String.join(", ", dimensions),
                shape.grain().sqlUnit(),
                groupByPositions(dimensions.size() + 3));
    }

    static String usages(RollupShape shape) {
        var dimensions = shape.usageDimensions();
        return USAGES.formatted(
                shape.usageTable(),
                String.join(", ", dimensions),
                shape.grain().sqlUnit(),
                groupByPositions(dimensions.size() + 2));
    }

    private static String groupByPositions(int n) {
        var positions = new StringBuilder("1");
        for (int i = 2; i <= n; i++) {
            positions.append(", ").append(i);
        }
        return positions.toString();
    }

    // %1$s table, %2$s key columns, %3$s date_trunc unit, %4$s positions of tenant, bucket, key, latency_bucket
    private static final String EXECUTIONS = """
            INSERT INTO %1$s (tenant, bucket_start, %2$s, execution_count, unpriced_count, input_tokens,
                output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, input_cost,
                cached_input_cost, cache_write_cost, output_cost, reasoning_cost, total_cost, latency_sum_ms,
                latency_min_ms, latency_max_ms, latency_hist_buckets, latency_hist_counts)
            SELECT tenant, bucket_start, %2$s,
                sum(n)::bigint, sum(unpriced)::bigint, sum(it)::bigint, sum(ot)::bigint, sum(tt)::bigint,
                sum(ct)::bigint, sum(cw)::bigint, sum(rt)::bigint, sum(ic), sum(cic), sum(cwc), sum(oc), sum(rc),
                sum(tc), sum(ls)::bigint, min(lmin), max(lmax),
                array_agg(latency_bucket ORDER BY latency_bucket), array_agg(n ORDER BY latency_bucket)
            FROM (
                SELECT tenant, date_trunc('%3$s', occurred_at, 'UTC') AS bucket_start, %2$s, latency_bucket,
                    count(*) AS n,
                    count(*) FILTER (WHERE pricing_status <> 'priced') AS unpriced,
                    sum(input_tokens) AS it, sum(output_tokens) AS ot, sum(total_tokens) AS tt,
                    sum(cached_input_tokens) AS ct, sum(cache_write_tokens) AS cw, sum(reasoning_tokens) AS rt,
                    coalesce(sum(input_cost), 0) AS ic, coalesce(sum(cached_input_cost), 0) AS cic,
                    coalesce(sum(cache_write_cost), 0) AS cwc, coalesce(sum(output_cost), 0) AS oc,
                    coalesce(sum(reasoning_cost), 0) AS rc, coalesce(sum(total_cost), 0) AS tc,
                    sum(execution_time_ms) AS ls, min(execution_time_ms) AS lmin, max(execution_time_ms) AS lmax
                FROM execution_fact
                WHERE occurred_at >= :from AND occurred_at < :to
                GROUP BY %4$s
            ) per_bucket
            GROUP BY tenant, bucket_start, %2$s
            """;

    // %1$s table, %2$s key columns, %3$s date_trunc unit, %4$s positions of tenant, bucket and key
    private static final String USAGES = """
            INSERT INTO %1$s (tenant, bucket_start, %2$s, usage_count)
            SELECT tenant, date_trunc('%3$s', occurred_at, 'UTC'), %2$s, count(*)
            FROM usage_fact
            WHERE occurred_at >= :from AND occurred_at < :to
            GROUP BY %4$s
            """;
}
