package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PromptPerformanceIntegrationTests extends QueryApiTestSupport {

    @Test
    void answersTheLast30DaysOfOnePrompt() {
        // When
        var body =
                get("/v1/analytics/prompts/summarize/performance", ACME_ANALYST).json();

        // Then: e1, e2, e3, e4, e5, e6, e8, e9, e13
        assertThat(body.get("prompt").asString()).isEqualTo("summarize");
        assertThat(body.get("total_executions").asLong()).isEqualTo(9);
        assertThat(body.get("total_uses").asLong()).isEqualTo(10);
        assertThat(body.get("success_rate").decimalValue()).isEqualByComparingTo("55.6");
        assertThat(body.get("error_rate").decimalValue()).isEqualByComparingTo("44.4");
        assertThat(body.get("average_latency_ms").decimalValue()).isEqualByComparingTo("4088.89");
        assertThat(body.get("total_cost").asString()).isEqualTo("0.01371");
        assertThat(body.get("p50_latency_ms").asDouble()).isCloseTo(900, within(900 * 0.02));
        assertThat(body.get("p95_latency_ms").asDouble()).isCloseTo(2000, within(2000 * 0.02));
        var tokens = body.get("token_usage");
        assertThat(tokens.get("total_input_tokens").asLong()).isEqualTo(6110);
        assertThat(tokens.get("total_output_tokens").asLong()).isEqualTo(450);
        assertThat(tokens.get("average_input_tokens").decimalValue()).isEqualByComparingTo("678.89");
        assertThat(tokens.get("average_output_tokens").decimalValue()).isEqualByComparingTo("50.00");
    }

    @Test
    void zeroFillsCostByDayOverTheWholeRange() {
        var days = get("/v1/analytics/prompts/summarize/performance", ACME_ANALYST)
                .json()
                .get("cost_by_day");

        assertThat(days).hasSize(31);
        assertThat(days.get(0).get("date").asString())
                .isEqualTo(TestData.D0_DATE.minusDays(30).toString());
        assertThat(days.get(30).get("date").asString()).isEqualTo(TestData.D0_DATE.toString());
        assertThat(days.get(20).get("total_cost").asString()).isEqualTo("0.0009"); // D-10
        assertThat(days.get(28).get("total_cost").asString()).isEqualTo("0.003"); // D-2
        assertThat(days.get(29).get("total_cost").asString()).isEqualTo("0.0008"); // D-1
        assertThat(days.get(29).get("executions").asLong()).isEqualTo(3);
        assertThat(days.get(30).get("total_cost").asString()).isEqualTo("0.00901"); // D0 until 12:30
        assertThat(days.get(1).get("total_cost").asString()).isEqualTo("0");
        assertThat(days.get(1).get("executions").asLong()).isZero();
    }

    @Test
    void breaksDownByVersionAndModel() {
        var body =
                get("/v1/analytics/prompts/summarize/performance", ACME_ANALYST).json();

        var versions = body.get("usage_by_version");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).get("version").asInt()).isEqualTo(1);
        assertThat(versions.get(0).get("usage_count").asLong()).isEqualTo(6);
        assertThat(versions.get(0).get("execution_count").asLong()).isEqualTo(5);
        assertThat(versions.get(0).get("success_rate").decimalValue()).isEqualByComparingTo("60.0");
        assertThat(versions.get(0).get("total_cost").asString()).isEqualTo("0.0094");
        assertThat(versions.get(1).get("version").asInt()).isEqualTo(2);
        assertThat(versions.get(1).get("usage_count").asLong()).isEqualTo(4);
        assertThat(versions.get(1).get("total_cost").asString()).isEqualTo("0.00431");
        var models = body.get("model_distribution");
        assertThat(models.valueStream()
                        .map(m -> m.get("model").asString() + "="
                                + m.get("executions").asLong() + "/"
                                + m.get("percentage").decimalValue()))
                .containsExactly("gpt-4o=5/55.6", "claude-sonnet=2/22.2", "gpt-4o-mini=2/22.2");
    }

    @Test
    void anotherTenantsPromptIsEmpty() {
        var body = get("/v1/analytics/prompts/classify/performance", GLOBEX_ANALYST)
                .json();

        assertThat(body.get("total_executions").asLong()).isZero();
        assertThat(body.get("total_cost").asString()).isEqualTo("0");
        assertThat(body.get("p50_latency_ms").isNull()).isTrue();
        assertThat(body.get("usage_by_version")).isEmpty();
    }
}
