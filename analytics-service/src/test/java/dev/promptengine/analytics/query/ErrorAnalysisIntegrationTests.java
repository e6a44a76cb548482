package dev.promptengine.analytics.query;

import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorAnalysisIntegrationTests extends QueryApiTestSupport {

    @Test
    void analysesTheLast24HoursByCategoryAndPrompt() {
        // [D-1 12:30, D0 12:30): e4..e12, errors e5 timeout, e8, e9, e10, e11
        var body = get("/v1/analytics/error-analysis", ACME_ANALYST).json();

        assertThat(body.get("total_errors").asLong()).isEqualTo(5);
        assertThat(body.get("total_executions").asLong()).isEqualTo(9);
        assertThat(body.get("error_rate").decimalValue()).isEqualByComparingTo("55.6");
        assertThat(body.get("errors_by_type").toString())
                .isEqualTo("{\"rate_limit\":0,\"authentication\":1,\"network\":1,\"timeout\":1,"
                        + "\"invalid_request\":1,\"other\":1}");
        var prompts = body.get("errors_by_prompt");
        assertThat(prompts).hasSize(2);
        assertThat(prompts.get(0).get("prompt").asString()).isEqualTo("summarize");
        assertThat(prompts.get(0).get("error_count").asLong()).isEqualTo(3);
        assertThat(prompts.get(0).get("execution_count").asLong()).isEqualTo(5);
        assertThat(prompts.get(0).get("error_rate").decimalValue()).isEqualByComparingTo("60.0");
        assertThat(prompts.get(1).get("prompt").asString()).isEqualTo("classify");
        assertThat(prompts.get(1).get("error_rate").decimalValue()).isEqualByComparingTo("50.0");
    }

    @Test
    void listsRecentErrorsNewestFirst() {
        var recent = get("/v1/analytics/error-analysis", ACME_ANALYST).json().get("recent_errors");

        assertThat(recent.valueStream().map(e -> e.get("id").asString()))
                .containsExactly(
                        TestData.id("e11").toString(),
                        TestData.id("e10").toString(),
                        TestData.id("e9").toString(),
                        TestData.id("e8").toString(),
                        TestData.id("e5").toString());
        var newest = recent.get(0);
        assertThat(newest.get("prompt").asString()).isEqualTo("classify");
        assertThat(newest.get("error").asString()).isEqualTo("connection reset by peer");
        assertThat(newest.get("error_type").asString()).isEqualTo("network");
        assertThat(newest.get("model").asString()).isEqualTo("claude-sonnet");
        assertThat(newest.get("timestamp").asString()).isEqualTo(at(0, 12, 10).toString());
        assertThat(recent.get(4).get("status").asString()).isEqualTo("timeout");
    }

    @Test
    void countsRateLimitsOverALongerRangeAndFiltersByModel() {
        var body = get(
                        "/v1/analytics/error-analysis",
                        params("from", at(-3, 0, 0).toString(), "model", "gpt-4o"),
                        ACME_ANALYST)
                .json();

        // gpt-4o in [D-3, now): e1, e2, e3 (rate_limit), e8 (invalid_request)
        assertThat(body.get("total_errors").asLong()).isEqualTo(2);
        assertThat(body.get("errors_by_type").get("rate_limit").asLong()).isEqualTo(1);
        assertThat(body.get("errors_by_type").get("invalid_request").asLong()).isEqualTo(1);
        assertThat(body.get("recent_errors")).hasSize(2);
    }

    @Test
    void seesOnlyTheCallersTenant() {
        var body = get("/v1/analytics/error-analysis", GLOBEX_ANALYST).json();

        assertThat(body.get("total_errors").asLong()).isEqualTo(1);
        assertThat(body.get("errors_by_type").get("rate_limit").asLong()).isEqualTo(1);
        assertThat(body.get("recent_errors").get(0).get("error").asString()).isEqualTo("429 Too Many Requests");
    }
}
