package dev.promptengine.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Checks that every rollup row equals a recomputation from the raw facts (both directions, every
 * column, histograms included), and that totals equal what the input stream is known to hold.
 */
public final class RollupChecks {

    private static final String EXECUTIONS_RECOMPUTED = """
            SELECT tenant, date_trunc('%s', occurred_at, 'UTC') AS bucket_start, %s
                environment, provider, model, status, error_type,
                count(*) AS execution_count,
                count(*) FILTER (WHERE pricing_status <> 'priced') AS unpriced_count,
                sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                sum(total_tokens) AS total_tokens, sum(cached_input_tokens) AS cached_input_tokens,
                sum(cache_write_tokens) AS cache_write_tokens, sum(reasoning_tokens) AS reasoning_tokens,
                coalesce(sum(input_cost), 0) AS input_cost, coalesce(sum(cached_input_cost), 0) AS cached_input_cost,
                coalesce(sum(cache_write_cost), 0) AS cache_write_cost, coalesce(sum(output_cost), 0) AS output_cost,
                coalesce(sum(reasoning_cost), 0) AS reasoning_cost, coalesce(sum(total_cost), 0) AS total_cost,
                sum(execution_time_ms) AS latency_sum_ms, min(execution_time_ms) AS latency_min_ms,
                max(execution_time_ms) AS latency_max_ms,
                (SELECT array_agg(b ORDER BY b) FROM (SELECT DISTINCT unnest(array_agg(latency_bucket)) AS b) d)
                    AS latency_hist_buckets,
                (SELECT array_agg(n ORDER BY b) FROM (SELECT b, count(*) AS n
                    FROM unnest(array_agg(latency_bucket)) AS b GROUP BY b) d) AS latency_hist_counts
            FROM execution_fact
            GROUP BY %s
            """;

    private static final String EXECUTIONS_STORED = """
            SELECT tenant, bucket_start, %s environment, provider, model, status, error_type,
                execution_count, unpriced_count, input_tokens, output_tokens, total_tokens, cached_input_tokens,
                cache_write_tokens, reasoning_tokens, input_cost, cached_input_cost, cache_write_cost, output_cost,
                reasoning_cost, total_cost, latency_sum_ms, latency_min_ms, latency_max_ms, latency_hist_buckets,
                latency_hist_counts
            FROM %s
            """;

    private static final String USAGES_RECOMPUTED = """
            SELECT tenant, date_trunc('%s', occurred_at, 'UTC') AS bucket_start, %s
                environment, count(*) AS usage_count
            FROM usage_fact GROUP BY %s
            """;

    private static final String USAGES_STORED = """
            SELECT tenant, bucket_start, %s environment, usage_count FROM %s
            """;

    /** A rollup shape: its execution and usage tables, its bucket and whether it is keyed by prompt. */
    record Shape(String executionTable, String usageTable, String unit, boolean byPrompt) {}

    /** Every rollup the write path keeps. */
    public static final List<Shape> SHAPES = List.of(
            new Shape("execution_rollup_hourly", "usage_rollup_hourly", "hour", true),
            new Shape("execution_rollup_daily", "usage_rollup_daily", "day", true),
            new Shape("execution_summary_hourly", "usage_summary_hourly", "hour", false),
            new Shape("execution_summary_daily", "usage_summary_daily", "day", false));

    /** Rows that differ between the rollups and a recomputation from raw facts (empty when equal). */
    public static List<String> differences(JdbcClient jdbc) {
        var differences = new java.util.ArrayList<String>();
        for (Shape shape : SHAPES) {
            String prompt = shape.byPrompt() ? "prompt_slug, prompt_version," : "";
            String stored = EXECUTIONS_STORED.formatted(prompt, shape.executionTable());
            String recomputed = EXECUTIONS_RECOMPUTED.formatted(
                    shape.unit(), prompt, shape.byPrompt() ? "1, 2, 3, 4, 5, 6, 7, 8, 9" : "1, 2, 3, 4, 5, 6, 7");
            differences.addAll(except(shape.executionTable() + " stored only", jdbc, stored, recomputed));
            differences.addAll(except(shape.executionTable() + " recomputed only", jdbc, recomputed, stored));
            stored = USAGES_STORED.formatted(prompt, shape.usageTable());
            recomputed =
                    USAGES_RECOMPUTED.formatted(shape.unit(), prompt, shape.byPrompt() ? "1, 2, 3, 4, 5" : "1, 2, 3");
            differences.addAll(except(shape.usageTable() + " stored only", jdbc, stored, recomputed));
            differences.addAll(except(shape.usageTable() + " recomputed only", jdbc, recomputed, stored));
        }
        return differences;
    }

    private static List<String> except(String label, JdbcClient jdbc, String left, String right) {
        return jdbc
                .sql("SELECT row_to_json(d)::text FROM ((" + left + ") EXCEPT (" + right + ")) d LIMIT 5")
                .query(String.class)
                .list()
                .stream()
                .map(row -> label + ": " + row)
                .toList();
    }

    public static void assertRollupsEqualRecomputation(JdbcClient jdbc) {
        assertThat(differences(jdbc)).isEmpty();
    }

    /** Raw facts and both rollup grains hold exactly the known totals of every tenant. */
    public static void assertTotals(JdbcClient jdbc, Map<String, KnownStream.Totals> expected) {
        expected.forEach((tenant, totals) -> {
            for (Shape shape : SHAPES) {
                String grain = shape.executionTable();
                var actual = jdbc.sql("""
                                SELECT coalesce(sum(execution_count), 0), coalesce(sum(total_cost), 0),
                                    coalesce(sum(input_tokens), 0), coalesce(sum(latency_sum_ms), 0)
                                FROM %s WHERE tenant = :tenant
                                """.formatted(shape.executionTable()))
                        .param("tenant", tenant)
                        .query((rs, n) -> new KnownStream.Totals(
                                usages(jdbc, shape.usageTable(), tenant),
                                rs.getLong(1),
                                rs.getBigDecimal(2),
                                rs.getLong(3),
                                rs.getLong(4)))
                        .single();
                assertThat(actual.usages()).as("%s usages of %s", grain, tenant).isEqualTo(totals.usages());
                assertThat(actual.executions())
                        .as("%s executions of %s", grain, tenant)
                        .isEqualTo(totals.executions());
                assertThat(actual.totalCost())
                        .as("%s cost of %s", grain, tenant)
                        .isEqualByComparingTo(totals.totalCost());
                assertThat(actual.inputTokens())
                        .as("%s input tokens of %s", grain, tenant)
                        .isEqualTo(totals.inputTokens());
                assertThat(actual.latencySum())
                        .as("%s latency of %s", grain, tenant)
                        .isEqualTo(totals.latencySum());
            }
            assertThat(count(jdbc, "usage_fact", tenant)).isEqualTo(totals.usages());
            assertThat(count(jdbc, "execution_fact", tenant)).isEqualTo(totals.executions());
        });
    }

    private static long usages(JdbcClient jdbc, String table, String tenant) {
        return jdbc.sql("SELECT coalesce(sum(usage_count), 0) FROM " + table + " WHERE tenant = :tenant")
                .param("tenant", tenant)
                .query(Long.class)
                .single();
    }

    public static long count(JdbcClient jdbc, String table, String tenant) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant = :tenant")
                .param("tenant", tenant)
                .query(Long.class)
                .single();
    }

    private RollupChecks() {}
}
