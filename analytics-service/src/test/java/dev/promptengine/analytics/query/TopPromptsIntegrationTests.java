package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopPromptsIntegrationTests extends QueryApiTestSupport {

    @Test
    void ordersTheLast7DaysByUsage() {
        var body = get("/v1/analytics/top-prompts", ACME_ANALYST).json();

        assertThat(body.get("limit").asInt()).isEqualTo(10);
        var prompts = body.get("prompts");
        assertThat(prompts).hasSize(2);
        var first = prompts.get(0);
        assertThat(first.get("name").asString()).isEqualTo("summarize");
        assertThat(first.get("usage_count").asLong()).isEqualTo(9);
        assertThat(first.get("execution_count").asLong()).isEqualTo(8);
        assertThat(first.get("total_cost").asString()).isEqualTo("0.01281");
        assertThat(first.get("success_rate").decimalValue()).isEqualByComparingTo("50.0");
        var second = prompts.get(1);
        assertThat(second.get("name").asString()).isEqualTo("classify");
        assertThat(second.get("usage_count").asLong()).isEqualTo(5);
        assertThat(second.get("execution_count").asLong()).isEqualTo(4);
        assertThat(second.get("total_cost").asString()).isEqualTo("0.00038");
    }

    @Test
    void honoursTheLimit() {
        var prompts = get("/v1/analytics/top-prompts", params("limit", "1"), ACME_ANALYST)
                .json()
                .get("prompts");

        assertThat(prompts).hasSize(1);
        assertThat(prompts.get(0).get("name").asString()).isEqualTo("summarize");
    }

    @Test
    void rejectsLimitsOutOfRange() {
        for (String limit : new String[] {"0", "101", "ten"}) {
            var response = get("/v1/analytics/top-prompts", params("limit", limit), ACME_ANALYST);

            assertThat(response.status()).as(limit).isEqualTo(400);
            assertThat(response.json().get("parameter").asString()).isEqualTo("limit");
        }
    }
}
