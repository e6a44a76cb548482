package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CostBreakdownIntegrationTests extends QueryApiTestSupport {

    @Test
    void groupsTheLast7DaysByModelHighestCostFirst() {
        var body = get("/v1/analytics/cost-breakdown", params("group_by", "model"), ACME_ANALYST)
                .json();

        assertThat(body.get("group_by").asString()).isEqualTo("model");
        assertThat(body.get("total_cost").asString()).isEqualTo("0.01319");
        assertThat(body.get("total_executions").asLong()).isEqualTo(12);
        assertThat(body.get("groups").valueStream().map(CostBreakdownIntegrationTests::summary))
                .containsExactly(
                        "gpt-4o 0.0085 64.4% n=4", "claude-sonnet 0.00421 31.9% n=3", "gpt-4o-mini 0.00048 3.6% n=5");
        assertThat(body.get("groups").get(0).get("average_cost_per_execution").asString())
                .isEqualTo("0.002125");
    }

    @Test
    void groupsByPromptByDefault() {
        var body = get("/v1/analytics/cost-breakdown", ACME_ANALYST).json();

        assertThat(body.get("group_by").asString()).isEqualTo("prompt");
        assertThat(body.get("groups").valueStream().map(CostBreakdownIntegrationTests::summary))
                .containsExactly("summarize 0.01281 97.1% n=8", "classify 0.00038 2.9% n=4");
    }

    @Test
    void groupsByProviderAndEnvironment() {
        var providers = get("/v1/analytics/cost-breakdown", params("group_by", "provider"), ACME_ANALYST)
                .json();
        var environments = get("/v1/analytics/cost-breakdown", params("group_by", "environment"), ACME_ANALYST)
                .json();

        assertThat(providers.get("groups").valueStream().map(CostBreakdownIntegrationTests::summary))
                .containsExactly("openai 0.00898 68.1% n=9", "anthropic 0.00421 31.9% n=3");
        assertThat(environments.get("groups").valueStream().map(CostBreakdownIntegrationTests::summary))
                .containsExactly("production 0.01299 98.5% n=10", "staging 0.0002 1.5% n=2");
    }

    @Test
    void groupsByDayWithEveryDayOfTheRange() {
        var groups = get("/v1/analytics/cost-breakdown", params("group_by", "day"), ACME_ANALYST)
                .json()
                .get("groups");

        assertThat(groups).hasSize(8);
        assertThat(groups.get(0).get("name").asString())
                .isEqualTo(TestData.D0_DATE.minusDays(7).toString());
        assertThat(summary(groups.get(5))).isEqualTo(TestData.D0_DATE.minusDays(2) + " 0.003 22.7% n=2");
        assertThat(summary(groups.get(6))).isEqualTo(TestData.D0_DATE.minusDays(1) + " 0.0008 6.1% n=3");
        assertThat(summary(groups.get(7))).isEqualTo(TestData.D0_DATE + " 0.00939 71.2% n=7");
        assertThat(summary(groups.get(1))).isEqualTo(TestData.D0_DATE.minusDays(6) + " 0 0.0% n=0");
    }

    @Test
    void rejectsAnUnknownGrouping() {
        var response = get("/v1/analytics/cost-breakdown", params("group_by", "user; DROP TABLE x"), ACME_ANALYST);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("parameter").asString()).isEqualTo("group_by");
    }

    private static String summary(JsonNode group) {
        return group.get("name").asString() + " " + group.get("total_cost").asString() + " "
                + group.get("percentage").decimalValue() + "% n="
                + group.get("execution_count").asLong();
    }
}
