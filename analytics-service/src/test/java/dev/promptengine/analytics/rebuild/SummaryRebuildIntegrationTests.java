package dev.promptengine.analytics.rebuild;

import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.AnalyticsFixture.Execution;
import dev.promptengine.analytics.query.AnalyticsFixture.Usage;
import dev.promptengine.analytics.query.QueryApiTestSupport;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rebuild recomputes the prompt-less summaries (V5) from raw facts like the prompt rollups, and the
 * query API reads them: tenant hooli, D-20 and D-19 (days no other test touches).
 */
class SummaryRebuildIntegrationTests extends QueryApiTestSupport {

    private static final String TENANT = "hooli";

    @Test
    void rebuildRecomputesDamagedSummariesFromRawFacts() {
        // Given 60 executions (and usages) over two days, rolled up
        var fixture = fixture();
        Instant from = at(-20, 0, 0);
        Instant to = at(-18, 0, 0);
        String[] environments = {"production", "staging"};
        String[] statuses = {"success", "success", "error", "timeout", "unknown"};
        for (int i = 0; i < 60; i++) {
            Instant occurredAt = from.plus(Duration.ofMinutes(47L * i));
            String status = statuses[i % statuses.length];
            var usageId = UUID.randomUUID();
            fixture.insert(new Execution(
                    TENANT,
                    UUID.randomUUID(),
                    usageId,
                    occurredAt,
                    "rebuilt-" + (i % 3),
                    1 + i % 2,
                    environments[i % 2],
                    i % 4 == 0 ? "anthropic" : "openai",
                    i % 4 == 0 ? "claude-sonnet" : "gpt-4o",
                    status,
                    status.equals("error") ? "network" : status.equals("timeout") ? "timeout" : "none",
                    status.equals("error") ? "connection reset" : null,
                    100 + i,
                    10 + i,
                    50L * i,
                    i % 7 == 0 ? null : new BigDecimal("0.0001").multiply(BigDecimal.valueOf(i)),
                    null,
                    null));
            fixture.insert(new Usage(
                    TENANT, usageId, occurredAt, "rebuilt-" + (i % 3), 1 + i % 2, environments[i % 2], null, null));
        }
        fixture.rebuildRollups(from, to);
        assertThat(differences(from, to)).isEmpty();
        var range = params("from", from.toString(), "to", to.toString());
        assertThat(get("/v1/analytics/usage-stats", range, HOOLI_ANALYST)
                        .json()
                        .get("total_executions")
                        .asLong())
                .isEqualTo(60);

        // When the summaries are damaged, the API answers from them (the prompt rollups are untouched) ...
        jdbc.sql("""
                        UPDATE execution_summary_daily SET execution_count = execution_count + 7, total_cost = total_cost + 1
                        WHERE tenant = 'hooli' AND bucket_start >= :from AND bucket_start < :to
                        """)
                .param("from", java.sql.Timestamp.from(from))
                .param("to", java.sql.Timestamp.from(to))
                .update();
        jdbc.sql(
                        "DELETE FROM usage_summary_hourly WHERE tenant = 'hooli' AND bucket_start >= :from AND bucket_start < :to")
                .param("from", java.sql.Timestamp.from(from))
                .param("to", java.sql.Timestamp.from(to))
                .update();
        assertThat(differences(from, to)).isNotEmpty();
        assertThat(get("/v1/analytics/usage-stats", range, HOOLI_ANALYST)
                        .json()
                        .get("total_executions")
                        .asLong())
                .isGreaterThan(60);

        // ... and the rebuild recomputes them from the raw facts
        var result = fixture.rebuildRollups(from, to);

        // Then
        assertThat(result.executions()).isEqualTo(60);
        assertThat(differences(from, to)).isEmpty();
        assertThat(get("/v1/analytics/usage-stats", range, HOOLI_ANALYST)
                        .json()
                        .get("total_executions")
                        .asLong())
                .isEqualTo(60);
    }

    /** Summary rows that differ from a recomputation from the raw facts (both grains, every column). */
    private List<String> differences(Instant from, Instant to) {
        var differences = new java.util.ArrayList<String>();
        for (String[] grain : new String[][] {{"hourly", "hour"}, {"daily", "day"}}) {
            String stored = EXECUTIONS_STORED.formatted(grain[0]);
            String recomputed = EXECUTIONS_RECOMPUTED.formatted(grain[1]);
            differences.addAll(except(stored, recomputed, from, to));
            differences.addAll(except(recomputed, stored, from, to));
            stored = USAGES_STORED.formatted(grain[0]);
            recomputed = USAGES_RECOMPUTED.formatted(grain[1]);
            differences.addAll(except(stored, recomputed, from, to));
            differences.addAll(except(recomputed, stored, from, to));
        }
        return differences;
    }

    private List<String> except(String left, String right, Instant from, Instant to) {
        return jdbc.sql("SELECT row_to_json(d)::text FROM ((" + left + ") EXCEPT (" + right + ")) d LIMIT 5")
                .param("from", java.sql.Timestamp.from(from))
                .param("to", java.sql.Timestamp.from(to))
                .query(String.class)
                .list();
    }

    private static final String EXECUTIONS_RECOMPUTED = """
            SELECT tenant, date_trunc('%s', occurred_at, 'UTC') AS bucket_start, environment, provider, model, status,
                error_type, count(*) AS execution_count,
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
            WHERE tenant = 'hooli' AND occurred_at >= :from AND occurred_at < :to
            GROUP BY 1, 2, 3, 4, 5, 6, 7""";

    private static final String EXECUTIONS_STORED = """
            SELECT tenant, bucket_start, environment, provider, model, status, error_type, execution_count,
                unpriced_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens,
                reasoning_tokens, input_cost, cached_input_cost, cache_write_cost, output_cost, reasoning_cost,
                total_cost, latency_sum_ms, latency_min_ms, latency_max_ms, latency_hist_buckets, latency_hist_counts
            FROM execution_summary_%s
            WHERE tenant = 'hooli' AND bucket_start >= :from AND bucket_start < :to""";

    private static final String USAGES_RECOMPUTED = """
            SELECT tenant, date_trunc('%s', occurred_at, 'UTC') AS bucket_start, environment, count(*) AS usage_count
            FROM usage_fact WHERE tenant = 'hooli' AND occurred_at >= :from AND occurred_at < :to
            GROUP BY 1, 2, 3""";

    private static final String USAGES_STORED = """
            SELECT tenant, bucket_start, environment, usage_count FROM usage_summary_%s
            WHERE tenant = 'hooli' AND bucket_start >= :from AND bucket_start < :to""";

    @Test
    void theRebuildIsThePlatformAdminsAuditedAndRefusesRangesWithoutPossibleFacts() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> post = (query, key) -> {
            try {
                return http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + port + "/v1/admin/rollups/rebuild?" + query))
                                .header("Authorization", "Bearer " + key)
                                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        String range = "from=" + at(-2, 0, 0) + "&to=" + at(-1, 0, 0);
        // a tenant admin may not recompute every tenant's rollups
        assertThat(post.apply(range, ACME_ADMIN).statusCode()).isEqualTo(403);
        // the platform admin may, and it is audited
        assertThat(post.apply(range, PLATFORM_ADMIN).statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE endpoint = 'POST /v1/admin/rollups/rebuild'"
                                + " AND key_name = 'operator'")
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(1);
        // no facts can be older than the raw retention or later than now + max-future-skew: refused,
        // and no partition is created for them
        long partitionsBefore =
                jdbc.sql("SELECT count(*) FROM pg_inherits").query(Long.class).single();
        var future = post.apply("from=" + at(-1, 0, 0) + "&to=9999-12-31T00:00:00Z", PLATFORM_ADMIN);
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(future.body()).contains("no facts can exist there");
        var past = post.apply("from=2000-01-01T00:00:00Z&to=" + at(-1, 0, 0), PLATFORM_ADMIN);
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(past.body()).contains("older than the raw retention");
        assertThat(jdbc.sql("SELECT count(*) FROM pg_inherits")
                        .query(Long.class)
                        .single())
                .isEqualTo(partitionsBefore);
    }
}
