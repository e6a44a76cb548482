package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.rollup.RollupShape;
import java.sql.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Adds a batch's new facts to every {@link RollupShape} inside the batch transaction of {@link
 * FactsWriter}: reduces them in memory per rollup key ({@link Rollups}) and upserts each table
 * with one {@code unnest} statement, in key order.
 */
@Component
class RollupWriter {

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    RollupWriter(WritePool pool) {
        this.jdbc = pool.jdbc();
        this.dataSource = pool.dataSource();
    }

    /** Adds the new (never seen before) facts to the rollups of every shape. */
    void add(List<UsageFact> newUsages, List<ExecutionFact> newExecutions) {
        for (RollupShape shape : RollupShape.values()) {
            var rollups = new Rollups(shape);
            rollups.addUsages(newUsages);
            rollups.addExecutions(newExecutions);
            upsertUsageRollups(rollups);
            upsertExecutionRollups(rollups);
        }
    }

    /**
     * The {@code unnest} arguments of a key: one bound array per key column of the catalogue, named
     * like the column; prompt versions are integers, every other dimension text.
     */
    static String keyArrays(List<String> dimensions) {
        var arrays = new StringBuilder(":tenant::text[], :bucket_start::timestamptz[], ");
        for (String dimension : dimensions) {
            arrays.append(':')
                    .append(dimension)
                    .append(dimension.equals("prompt_version") ? "::int[], " : "::text[], ");
        }
        return arrays.toString();
    }

    private void upsertUsageRollups(Rollups rollups) {
        var rows = new ArrayList<>(rollups.usages().entrySet());
        if (rows.isEmpty()) {
            return;
        }
        var shape = rollups.shape();
        String keys = shape.usageKey();
        var statement = jdbc.sql("""
                        INSERT INTO %s AS r (%s, usage_count)
                        SELECT * FROM unnest(%s :usage_count::bigint[])
                        ON CONFLICT (%s) DO UPDATE SET usage_count = r.usage_count + excluded.usage_count
                        """.formatted(shape.usageTable(), keys, keyArrays(shape.usageDimensions()), keys))
                .param("tenant", column(rows, e -> e.getKey().tenant()))
                .param("bucket_start", column(rows, e -> e.getKey().bucketStart()))
                .param("environment", column(rows, e -> e.getKey().environment()))
                .param("usage_count", column(rows, e -> e.getValue()[0]));
        if (shape.byPrompt()) {
            statement = statement
                    .param("prompt_slug", column(rows, e -> e.getKey().promptSlug()))
                    .param("prompt_version", column(rows, e -> e.getKey().promptVersion()));
        }
        statement.update();
    }

    /**
     * One multi-row upsert per table: new keys are inserted, existing ones add the batch's sums
     * and merge its histogram with one {@code hist_merge} call per row.
     */
    private void upsertExecutionRollups(Rollups rollups) {
        var rows = new ArrayList<>(rollups.executions().entrySet());
        if (rows.isEmpty()) {
            return;
        }
        var shape = rollups.shape();
        String keys = shape.executionKey();
        var statement = jdbc.sql("""
                        INSERT INTO %s AS r (%s, execution_count, unpriced_count, input_tokens,
                            output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,
                            input_cost, cached_input_cost, cache_write_cost, output_cost, reasoning_cost, total_cost,
                            latency_sum_ms, latency_min_ms, latency_max_ms, latency_hist_buckets, latency_hist_counts)
                        SELECT %s, n, un, it, ot, tt, ct, cw, rt, ic, cic, cwc, oc, rc, tc, ls, lmin, lmax,
                            hb::int[], hc::bigint[]
                        FROM unnest(%s :executions::bigint[], :unpriced::bigint[],
                            :input_tokens::bigint[], :output_tokens::bigint[], :total_tokens::bigint[],
                            :cached_input_tokens::bigint[], :cache_write_tokens::bigint[], :reasoning_tokens::bigint[],
                            :input_cost::numeric[], :cached_input_cost::numeric[], :cache_write_cost::numeric[],
                            :output_cost::numeric[], :reasoning_cost::numeric[], :total_cost::numeric[],
                            :latency_sum::bigint[], :latency_min::bigint[], :latency_max::bigint[],
                            :hist_buckets::text[], :hist_counts::text[])
                            AS u(%s, n, un, it, ot, tt, ct, cw, rt, ic, cic, cwc, oc, rc, tc, ls, lmin, lmax, hb, hc)
                        ON CONFLICT (%s)
                        DO UPDATE SET
                            execution_count = r.execution_count + excluded.execution_count,
                            unpriced_count = r.unpriced_count + excluded.unpriced_count,
                            input_tokens = r.input_tokens + excluded.input_tokens,
                            output_tokens = r.output_tokens + excluded.output_tokens,
                            total_tokens = r.total_tokens + excluded.total_tokens,
                            cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens,
                            cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
                            reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
                            input_cost = r.input_cost + excluded.input_cost,
                            cached_input_cost = r.cached_input_cost + excluded.cached_input_cost,
                            cache_write_cost = r.cache_write_cost + excluded.cache_write_cost,
                            output_cost = r.output_cost + excluded.output_cost,
                            reasoning_cost = r.reasoning_cost + excluded.reasoning_cost,
                            total_cost = r.total_cost + excluded.total_cost,
                            latency_sum_ms = r.latency_sum_ms + excluded.latency_sum_ms,
                            latency_min_ms = least(r.latency_min_ms, excluded.latency_min_ms),
                            latency_max_ms = greatest(r.latency_max_ms, excluded.latency_max_ms),
                            (latency_hist_buckets, latency_hist_counts) = (SELECT m.buckets, m.counts
                                FROM hist_merge(r.latency_hist_buckets, r.latency_hist_counts,
                                    excluded.latency_hist_buckets, excluded.latency_hist_counts) m)
                        """.formatted(
                                shape.executionTable(), keys, keys, keyArrays(shape.executionDimensions()), keys, keys))
                .param("tenant", column(rows, e -> e.getKey().tenant()))
                .param("bucket_start", column(rows, e -> e.getKey().bucketStart()))
                .param("environment", column(rows, e -> e.getKey().environment()))
                .param("provider", column(rows, e -> e.getKey().provider()))
                .param("model", column(rows, e -> e.getKey().model()))
                .param("status", column(rows, e -> e.getKey().status()))
                .param("error_type", column(rows, e -> e.getKey().errorType()))
                .param("executions", column(rows, e -> e.getValue().executions))
                .param("unpriced", column(rows, e -> e.getValue().unpriced))
                .param("input_tokens", column(rows, e -> e.getValue().inputTokens))
                .param("output_tokens", column(rows, e -> e.getValue().outputTokens))
                .param("total_tokens", column(rows, e -> e.getValue().totalTokens))
                .param("cached_input_tokens", column(rows, e -> e.getValue().cachedInputTokens))
                .param("cache_write_tokens", column(rows, e -> e.getValue().cacheWriteTokens))
                .param("reasoning_tokens", column(rows, e -> e.getValue().reasoningTokens))
                .param("input_cost", column(rows, e -> e.getValue().inputCost))
                .param("cached_input_cost", column(rows, e -> e.getValue().cachedInputCost))
                .param("cache_write_cost", column(rows, e -> e.getValue().cacheWriteCost))
                .param("output_cost", column(rows, e -> e.getValue().outputCost))
                .param("reasoning_cost", column(rows, e -> e.getValue().reasoningCost))
                .param("total_cost", column(rows, e -> e.getValue().totalCost))
                .param("latency_sum", column(rows, e -> e.getValue().latencySum))
                .param("latency_min", column(rows, e -> e.getValue().latencyMin))
                .param("latency_max", column(rows, e -> e.getValue().latencyMax))
                .param(
                        "hist_buckets",
                        column(rows, e -> arrayLiteral(e.getValue().latency.buckets())))
                .param(
                        "hist_counts",
                        column(rows, e -> arrayLiteral(e.getValue().latency.counts())));
        if (shape.byPrompt()) {
            statement = statement
                    .param("prompt_slug", column(rows, e -> e.getKey().promptSlug()))
                    .param("prompt_version", column(rows, e -> e.getKey().promptVersion()));
        }
        statement.update();
    }

    private static String arrayLiteral(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(",", "{", "}"));
    }

    private static String arrayLiteral(long[] values) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(",", "{", "}"));
    }

    /** See {@link TextArrays}. */
    private <T> Array column(List<T> rows, Function<T, ?> value) {
        return TextArrays.column(dataSource, rows, value);
    }
}
