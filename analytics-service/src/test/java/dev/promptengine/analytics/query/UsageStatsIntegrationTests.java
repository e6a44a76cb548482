package dev.promptengine.analytics.query;

import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UsageStatsIntegrationTests extends QueryApiTestSupport {

    @Test
    void answersTheLast30DaysFromRollupsWithExactTotals() {
        // Given the known data set, "now" = D0 12:30 (e14 at 12:40 is after now)

        // When
        var response = get("/v1/analytics/usage-stats", ACME_ANALYST);

        // Then
        assertThat(response.status()).isEqualTo(200);
        var body = response.json();
        assertThat(body.get("from").asString())
                .isEqualTo(TestData.NOW.minus(java.time.Duration.ofDays(30)).toString());
        assertThat(body.get("to").asString()).isEqualTo(TestData.NOW.toString());
        assertThat(body.get("total_uses").asLong()).isEqualTo(15);
        assertThat(body.get("total_executions").asLong()).isEqualTo(13);
        assertThat(body.get("success_rate").decimalValue()).isEqualByComparingTo("53.8");
        assertThat(body.get("error_rate").decimalValue()).isEqualByComparingTo("46.2");
        assertThat(body.get("total_cost").asString()).isEqualTo("0.01409");
        assertThat(body.get("average_tokens").decimalValue()).isEqualByComparingTo("520.69");
        assertThat(body.get("average_latency_ms").decimalValue()).isEqualByComparingTo("2965.38");
        // exact values of rank floor(q*(n-1)) of the 13 latencies: 700, 2000, 2000
        assertThat(body.get("p50_latency_ms").asDouble()).isCloseTo(700, within(700 * 0.02));
        assertThat(body.get("p95_latency_ms").asDouble()).isCloseTo(2000, within(2000 * 0.02));
        assertThat(body.get("p99_latency_ms").asDouble()).isCloseTo(2000, within(2000 * 0.02));
    }

    @Test
    void breaksDownByEnvironmentAndModel() {
        var body = get("/v1/analytics/usage-stats", ACME_ANALYST).json();

        var environments = body.get("by_environment");
        assertThat(environments).hasSize(2);
        assertThat(environments.get(0).get("name").asString()).isEqualTo("production");
        assertThat(environments.get(0).get("total_executions").asLong()).isEqualTo(11);
        assertThat(environments.get(0).get("total_uses").asLong()).isEqualTo(12);
        assertThat(environments.get(0).get("success_rate").decimalValue()).isEqualByComparingTo("63.6");
        assertThat(environments.get(0).get("total_cost").asString()).isEqualTo("0.01389");
        assertThat(environments.get(1).get("name").asString()).isEqualTo("staging");
        assertThat(environments.get(1).get("total_executions").asLong()).isEqualTo(2);
        assertThat(environments.get(1).get("total_uses").asLong()).isEqualTo(3);
        assertThat(environments.get(1).get("error_rate").decimalValue()).isEqualByComparingTo("100.0");
        assertThat(environments.get(1).get("total_cost").asString()).isEqualTo("0.0002");
        var models = body.get("by_model");
        assertThat(models.valueStream()
                        .map(m -> m.get("name").asString() + "="
                                + m.get("total_executions").asLong()))
                .containsExactly("gpt-4o=5", "gpt-4o-mini=5", "claude-sonnet=3");
    }

    @Test
    void answersUserFiltersFromRawFacts() {
        var body = get("/v1/analytics/usage-stats", params("user", "alice"), ACME_ANALYST)
                .json();

        // e1, e2, e8, e10, e13 and the extra usage at D0 03:00
        assertThat(body.get("total_executions").asLong()).isEqualTo(5);
        assertThat(body.get("total_uses").asLong()).isEqualTo(6);
        assertThat(body.get("success_rate").decimalValue()).isEqualByComparingTo("60.0");
        assertThat(body.get("total_cost").asString()).isEqualTo("0.0089");
    }

    @Test
    void countsEdgesOfAnUnalignedRangeExactly() {
        // [D0 00:10, D0 12:15): raw 00:10-01:00, hourly 01:00-12:00, raw 12:00-12:15 -> e6..e11
        var body = get(
                        "/v1/analytics/usage-stats",
                        params(
                                "from",
                                at(0, 0, 10).toString(),
                                "to",
                                at(0, 12, 15).toString()),
                        ACME_ANALYST)
                .json();

        assertThat(body.get("total_executions").asLong()).isEqualTo(6);
        assertThat(body.get("total_cost").asString()).isEqualTo("0.00931");
        // usages of e6..e11 plus the extra one at 03:00
        assertThat(body.get("total_uses").asLong()).isEqualTo(7);
    }

    @Test
    void treatsToAsExclusiveAndDatesAsWholeUtcDays() {
        var exclusive = get(
                        "/v1/analytics/usage-stats",
                        params(
                                "from",
                                at(0, 12, 10).toString(),
                                "to",
                                at(0, 12, 20).toString()),
                        ACME_ANALYST)
                .json();
        var wholeDay = get(
                        "/v1/analytics/usage-stats",
                        params(
                                "from",
                                TestData.D0_DATE.minusDays(1).toString(),
                                "to",
                                TestData.D0_DATE.minusDays(1).toString()),
                        ACME_ANALYST)
                .json();

        assertThat(exclusive.get("total_executions").asLong()).isEqualTo(1); // e11, not e12
        assertThat(wholeDay.get("total_executions").asLong()).isEqualTo(3); // e3, e4, e5 from the daily rollup
        assertThat(wholeDay.get("total_cost").asString()).isEqualTo("0.0008");
    }

    @Test
    void refusesARangeLongerThanTwoYearsOnEveryEndpointNamingTheLimit() {
        var everything = params("from", "0001-01-01", "to", "9999-12-31");
        for (String path : java.util.List.of(
                "/v1/analytics/usage-stats",
                "/v1/analytics/cost-breakdown",
                "/v1/analytics/error-analysis",
                "/v1/analytics/top-prompts",
                "/v1/analytics/timeseries",
                "/v1/executions",
                "/v1/export/executions.csv")) {
            var answer = get(path, everything, ACME_ANALYST);
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.json().get("parameter").asString()).as(path).isEqualTo("from");
            assertThat(answer.json().get("detail").asString()).as(path).contains("at most 731 days");
        }
        // two years is answered; an hourly series is limited to 31 days
        assertThat(get("/v1/analytics/usage-stats", params("from", "2024-12-01", "to", "2026-12-01"), ACME_ANALYST)
                        .status())
                .isEqualTo(200);
        var hourly = get(
                "/v1/analytics/timeseries",
                params("bucket", "hour", "from", "2026-10-01", "to", "2026-11-02"),
                ACME_ANALYST);
        assertThat(hourly.status()).isEqualTo(400);
        assertThat(hourly.json().get("parameter").asString()).isEqualTo("bucket");
        assertThat(hourly.json().get("detail").asString()).contains("at most 31 days");
        assertThat(get(
                                "/v1/analytics/timeseries",
                                // a date as 'to' includes that whole day: 2026-10-01 .. 2026-11-01T00:00Z, 31 days
                                params("bucket", "hour", "from", "2026-10-01", "to", "2026-10-31"),
                                ACME_ANALYST)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void seesOnlyTheCallersTenant() {
        var body = get("/v1/analytics/usage-stats", GLOBEX_ANALYST).json();

        assertThat(body.get("total_executions").asLong()).isEqualTo(2);
        assertThat(body.get("total_cost").asString()).isEqualTo("10");
        assertThat(body.get("error_rate").decimalValue()).isEqualByComparingTo("50.0");
    }

    @Test
    void filtersByPromptVersionEnvironmentProviderAndModel() {
        var body = get(
                        "/v1/analytics/usage-stats",
                        params(
                                "prompt",
                                "summarize",
                                "version",
                                "2",
                                "environment",
                                "production",
                                "provider",
                                "anthropic",
                                "model",
                                "claude-sonnet"),
                        ACME_ANALYST)
                .json();

        // e6 and e9; usages ignore provider/model: summarize v2 production = e4, e6, e9
        assertThat(body.get("total_executions").asLong()).isEqualTo(2);
        assertThat(body.get("total_cost").asString()).isEqualTo("0.00401");
        assertThat(body.get("total_uses").asLong()).isEqualTo(3);
    }
}
