package dev.promptengine.analytics.query;

import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.AnalyticsFixture.Execution;
import dev.promptengine.analytics.query.AnalyticsFixture.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Questions without a prompt or version are answered from the prompt-less summaries (V5); these
 * tests prove the answers are the ones the per-prompt rollups and the raw facts give. Data: 700
 * generated executions of tenant hooli over D-8 .. D-4 (four prompts, two versions, three
 * environments, three providers, four models, every status and error type, some unpriced, some 0 ms),
 * each with its usage, plus usages without executions. Every fact carries the same user, so adding
 * {@code user=analyst-1} to a request selects the same facts but makes the service answer from raw
 * facts only: the two answers must be identical, to the last digit and percentile.
 */
class SummaryRollupsIntegrationTests extends QueryApiTestSupport {

    static final String TENANT = "hooli";
    static final String USER = "analyst-1";
    private static final List<Execution> EXECUTIONS = new ArrayList<>();
    private static final List<Usage> USAGES = new ArrayList<>();
    private static volatile boolean loaded;

    static {
        var random = new SplittableRandom(20261127);
        String[] prompts = {"triage", "summarize", "classify", "translate"};
        String[] environments = {"production", "staging", "development"};
        String[][] models = {
            {"openai", "gpt-4o"}, {"openai", "gpt-4o-mini"}, {"anthropic", "claude-sonnet"}, {"google", "gemini-flash"}
        };
        String[][] errors = {
            {"rate_limit", "429 Too Many Requests"},
            {"authentication", "Invalid API key"},
            {"network", "Connection reset by peer"},
            {"invalid_request", "Bad request: context length"},
            {"other", "Unexpected payload"}
        };
        Instant start = at(-8, 0, 0);
        long seconds = Duration.ofDays(4).toSeconds();
        for (int i = 0; i < 700; i++) {
            Instant occurredAt = start.plusSeconds(random.nextLong(seconds));
            String prompt = prompts[random.nextInt(prompts.length)];
            int version = 1 + random.nextInt(2);
            String environment = environments[random.nextInt(environments.length)];
            String[] model = models[random.nextInt(models.length)];
            int roll = random.nextInt(100);
            String status = roll < 70 ? "success" : roll < 85 ? "error" : roll < 93 ? "timeout" : "unknown";
            String[] error = errors[random.nextInt(errors.length)];
            String errorType = switch (status) {
                case "error" -> error[0];
                case "timeout" -> "timeout";
                default -> "none";
            };
            long latency = random.nextInt(50) == 0 ? 0 : Math.round(Math.exp(4 + random.nextDouble() * 6));
            BigDecimal cost = random.nextInt(20) == 0 ? null : BigDecimal.valueOf(random.nextLong(1_000_000_000L), 12);
            var usageId = UUID.randomUUID();
            EXECUTIONS.add(new Execution(
                    TENANT,
                    UUID.randomUUID(),
                    usageId,
                    occurredAt,
                    prompt,
                    version,
                    environment,
                    model[0],
                    model[1],
                    status,
                    errorType,
                    status.equals("error") ? error[1] : null,
                    10 + random.nextInt(4000),
                    random.nextInt(900),
                    latency,
                    cost,
                    USER,
                    "session-" + random.nextInt(40)));
            USAGES.add(new Usage(TENANT, usageId, occurredAt, prompt, version, environment, USER, "session-1"));
            if (random.nextInt(10) == 0) {
                USAGES.add(new Usage(
                        TENANT,
                        UUID.randomUUID(),
                        start.plusSeconds(random.nextLong(seconds)),
                        prompt,
                        version,
                        environment,
                        USER,
                        null));
            }
        }
    }

    /** Whole days; partial hours and days at both edges; whole hours only; across midnight; inside one hour. */
    static final List<Map<String, String>> RANGES = List.of(
            range(at(-8, 0, 0), at(-4, 0, 0)),
            range(at(-8, 5, 17).plusSeconds(23), at(-5, 19, 42).plusSeconds(10)),
            range(at(-7, 3, 0), at(-6, 21, 0)),
            range(at(-6, 22, 13), at(-5, 1, 47)),
            range(at(-7, 10, 5), at(-7, 10, 55)));

    @BeforeEach
    void loadOnce() {
        if (!loaded) {
            synchronized (SummaryRollupsIntegrationTests.class) {
                if (!loaded) {
                    var fixture = fixture();
                    EXECUTIONS.forEach(fixture::insert);
                    USAGES.forEach(fixture::insert);
                    fixture.rebuildRollups(at(-8, 0, 0), at(-4, 0, 0));
                    loaded = true;
                }
            }
        }
    }

    @Test
    void summariesHoldExactlyThePromptRollupsWithoutThePromptDimensions() {
        for (String grain : List.of("hourly", "daily")) {
            assertThat(except(SUMMARY_STORED.formatted(grain), PROMPT_ROLLUPS_SUMMED.formatted(grain)))
                    .as("summary rows of %s not in the prompt rollups", grain)
                    .isEmpty();
            assertThat(except(PROMPT_ROLLUPS_SUMMED.formatted(grain), SUMMARY_STORED.formatted(grain)))
                    .as("prompt rollups of %s not in the summaries", grain)
                    .isEmpty();
            assertThat(except(USAGE_SUMMARY_STORED.formatted(grain), USAGE_ROLLUPS_SUMMED.formatted(grain)))
                    .isEmpty();
            assertThat(except(USAGE_ROLLUPS_SUMMED.formatted(grain), USAGE_SUMMARY_STORED.formatted(grain)))
                    .isEmpty();
        }
        assertThat(jdbc.sql("SELECT sum(execution_count) FROM execution_summary_daily WHERE tenant = 'hooli'")
                        .query(Long.class)
                        .single())
                .isEqualTo(EXECUTIONS.size());
    }

    @Test
    void usageStatsFromSummariesEqualTheAnswerFromRawFacts() {
        for (var range : RANGES) {
            for (var filter : List.of(
                    Map.<String, String>of(),
                    Map.of("environment", "production"),
                    Map.of("provider", "openai", "model", "gpt-4o"))) {
                assertSameAnswer("/v1/analytics/usage-stats", with(range, filter));
            }
        }
    }

    @Test
    void timeseriesFromSummariesEqualTheAnswerFromRawFacts() {
        var metrics = List.of(
                "executions",
                "usages",
                "cost",
                "tokens",
                "average_latency_ms",
                "p50_latency_ms",
                "p95_latency_ms",
                "p99_latency_ms",
                "error_rate",
                "success_rate");
        var groups = new ArrayList<String>(List.of("", "environment", "provider", "model", "status"));
        for (int r = 0; r < RANGES.size(); r++) {
            for (String bucket : r == 0 ? List.of("day") : List.of("day", "hour")) {
                for (String metric : metrics) {
                    for (String group : groups) {
                        if (metric.equals("usages") && !(group.isEmpty() || group.equals("environment"))) {
                            continue; // usages have no provider, model or status
                        }
                        var query = with(RANGES.get(r), Map.of("metric", metric, "bucket", bucket));
                        if (!group.isEmpty()) {
                            query.put("group_by", group);
                        }
                        assertSameAnswer("/v1/analytics/timeseries", query);
                    }
                }
            }
        }
    }

    @Test
    void costBreakdownFromSummariesEqualsTheAnswerFromRawFacts() {
        for (var range : RANGES) {
            for (String group : List.of("model", "provider", "environment", "day")) {
                assertSameAnswer("/v1/analytics/cost-breakdown", with(range, Map.of("group_by", group)));
            }
            assertSameAnswer(
                    "/v1/analytics/cost-breakdown", with(range, Map.of("group_by", "model", "environment", "staging")));
        }
    }

    @Test
    void errorAnalysisFromSummariesEqualsTheAnswerFromRawFacts() {
        for (var range : RANGES) {
            assertSameAnswer("/v1/analytics/error-analysis", with(range, Map.of()));
            assertSameAnswer("/v1/analytics/error-analysis", with(range, Map.of("provider", "anthropic")));
        }
    }

    @Test
    void summaryAnswersAddUpToThePerPromptAnswers() {
        // Given the whole-day range and the partial one
        for (var range : List.of(RANGES.get(0), RANGES.get(1))) {
            // When the total is asked without prompt (summaries) and per prompt (prompt rollups)
            var total = get("/v1/analytics/usage-stats", range, HOOLI_ANALYST).json();
            long executions = 0;
            long uses = 0;
            BigDecimal cost = BigDecimal.ZERO;
            for (String prompt : List.of("triage", "summarize", "classify", "translate")) {
                var one = get("/v1/analytics/usage-stats", with(range, Map.of("prompt", prompt)), HOOLI_ANALYST)
                        .json();
                executions += one.get("total_executions").asLong();
                uses += one.get("total_uses").asLong();
                cost = cost.add(new BigDecimal(one.get("total_cost").asString()));
            }

            // Then the totals agree exactly
            assertThat(total.get("total_executions").asLong()).isEqualTo(executions);
            assertThat(total.get("total_uses").asLong()).isEqualTo(uses);
            assertThat(new BigDecimal(total.get("total_cost").asString())).isEqualByComparingTo(cost);
        }
    }

    private void assertSameAnswer(String path, Map<String, String> query) {
        var fromSummaries = get(path, query, HOOLI_ANALYST);
        var rawQuery = new LinkedHashMap<>(query);
        rawQuery.put("user", USER);
        var fromRaw = get(path, rawQuery, HOOLI_ANALYST);
        assertThat(fromSummaries.status()).as("%s %s", path, query).isEqualTo(200);
        assertThat(fromRaw.status()).as("%s %s", path, rawQuery).isEqualTo(200);
        assertThat(fromSummaries.json()).as("%s %s", path, query).isEqualTo(fromRaw.json());
    }

    private static Map<String, String> range(Instant from, Instant to) {
        return Map.of("from", from.toString(), "to", to.toString());
    }

    private static Map<String, String> with(Map<String, String> range, Map<String, String> more) {
        var query = new LinkedHashMap<String, String>(range);
        query.putAll(more);
        return query;
    }

    private List<String> except(String left, String right) {
        return jdbc.sql("SELECT row_to_json(d)::text FROM ((" + left + ") EXCEPT (" + right + ")) d LIMIT 5")
                .query(String.class)
                .list();
    }

    private static final String SUMMARY_STORED = """
            SELECT bucket_start, environment, provider, model, status, error_type, execution_count, unpriced_count,
                input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,
                input_cost, cached_input_cost, cache_write_cost, output_cost, reasoning_cost, total_cost,
                latency_sum_ms, latency_min_ms, latency_max_ms, latency_hist_buckets, latency_hist_counts
            FROM execution_summary_%s WHERE tenant = 'hooli'""";

    private static final String PROMPT_ROLLUPS_SUMMED = """
            WITH sums AS (
                SELECT bucket_start, environment, provider, model, status, error_type,
                    sum(execution_count)::bigint AS execution_count, sum(unpriced_count)::bigint AS unpriced_count,
                    sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
                    sum(total_tokens)::bigint AS total_tokens, sum(cached_input_tokens)::bigint AS cached_input_tokens,
                    sum(cache_write_tokens)::bigint AS cache_write_tokens,
                    sum(reasoning_tokens)::bigint AS reasoning_tokens, sum(input_cost) AS input_cost,
                    sum(cached_input_cost) AS cached_input_cost, sum(cache_write_cost) AS cache_write_cost,
                    sum(output_cost) AS output_cost, sum(reasoning_cost) AS reasoning_cost,
                    sum(total_cost) AS total_cost, sum(latency_sum_ms)::bigint AS latency_sum_ms,
                    min(latency_min_ms) AS latency_min_ms, max(latency_max_ms) AS latency_max_ms
                FROM execution_rollup_%1$s WHERE tenant = 'hooli'
                GROUP BY bucket_start, environment, provider, model, status, error_type),
            hist AS (
                SELECT bucket_start, environment, provider, model, status, error_type,
                    array_agg(b ORDER BY b) AS latency_hist_buckets, array_agg(n ORDER BY b) AS latency_hist_counts
                FROM (SELECT bucket_start, environment, provider, model, status, error_type, h.b, sum(h.c)::bigint AS n
                      FROM execution_rollup_%1$s
                      CROSS JOIN LATERAL unnest(latency_hist_buckets, latency_hist_counts) AS h(b, c)
                      WHERE tenant = 'hooli'
                      GROUP BY bucket_start, environment, provider, model, status, error_type, h.b) merged
                GROUP BY bucket_start, environment, provider, model, status, error_type)
            SELECT sums.*, hist.latency_hist_buckets, hist.latency_hist_counts
            FROM sums JOIN hist USING (bucket_start, environment, provider, model, status, error_type)""";

    private static final String USAGE_SUMMARY_STORED =
            "SELECT bucket_start, environment, usage_count FROM usage_summary_%s WHERE tenant = 'hooli'";

    private static final String USAGE_ROLLUPS_SUMMED = """
            SELECT bucket_start, environment, sum(usage_count)::bigint FROM usage_rollup_%s
            WHERE tenant = 'hooli' GROUP BY 1, 2""";
}
