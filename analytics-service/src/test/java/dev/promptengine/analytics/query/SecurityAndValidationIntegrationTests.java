package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityAndValidationIntegrationTests extends QueryApiTestSupport {

    static final List<String> READ_ENDPOINTS = List.of(
            "/v1/analytics/usage-stats",
            "/v1/analytics/prompts/summarize/performance",
            "/v1/analytics/cost-breakdown",
            "/v1/analytics/error-analysis",
            "/v1/analytics/top-prompts",
            "/v1/analytics/timeseries",
            "/v1/analytics/prompts/summarize/versions/compare?versions=1,2",
            "/v1/executions",
            "/v1/executions/" + TestData.id("e1"),
            "/v1/export/executions.csv");

    @Test
    void everyReadEndpointNeedsTheAnalystRole() {
        for (String path : READ_ENDPOINTS) {
            assertThat(get(path, ACME_ANALYST).status()).as(path).isEqualTo(200);
            assertThat(get(path, ACME_PUBLISHER).status()).as(path).isEqualTo(403);
            assertThat(get(path, ACME_ADMIN).status()).as(path).isEqualTo(403);
            assertThat(get(path, null).status()).as(path).isEqualTo(401);
        }
    }

    @Test
    void answersUnparsableDatesWith400NamingTheParameter() {
        var response = get("/v1/analytics/usage-stats", params("from", "last tuesday"), ACME_ANALYST);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("https://promptengine.dev/problems/invalid-parameter");
        assertThat(problem.get("parameter").asString()).isEqualTo("from");
        assertThat(problem.get("detail").asString()).contains("last tuesday");
    }

    @Test
    void answersFromAfterToWith400() {
        var response = get(
                "/v1/analytics/error-analysis",
                params("from", "2026-11-20T00:00:00Z", "to", "2026-11-19T00:00:00Z"),
                ACME_ANALYST);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("after");
    }

    @Test
    void answersABadVersionOrBlankFilterWith400() {
        assertThat(get("/v1/analytics/usage-stats", params("version", "two"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("version");
        assertThat(get("/v1/analytics/usage-stats", params("model", " "), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("model");
    }

    @Test
    void acceptsOffsetDateTimes() {
        var body = get(
                        "/v1/analytics/usage-stats",
                        params(
                                "from",
                                TestData.at(0, 12, 10)
                                        .atOffset(java.time.ZoneOffset.ofHours(2))
                                        .toString(),
                                "to",
                                TestData.at(0, 12, 20).toString()),
                        ACME_ANALYST)
                .json();

        assertThat(body.get("total_executions").asLong()).isEqualTo(1);
    }

    @Test
    void publishesAnOpenApiDocumentWithSnakeCaseFieldsAndExamples() {
        var response = get("/v3/api-docs", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body())
                .contains(
                        "/v1/analytics/usage-stats",
                        "/v1/analytics/prompts/{slug}/versions/compare",
                        "/v1/export/executions.csv",
                        "/v1/audit",
                        "/v1/repricing",
                        "/v1/repricing/{id}",
                        "\"unpriced_executions\"",
                        "\"executions_affected\"",
                        "/v1/analytics/reconciliation",
                        "/v1/analytics/reconciliation/imports",
                        "/v1/analytics/reconciliation/imports/{id}",
                        "\"drift_percent\"",
                        "\"only_provider_executions\"",
                        "\"billed_cost\"",
                        "\"unattributed_billed_cost\"",
                        "\"total_uses\"",
                        "\"p95_latency_ms\"",
                        "\"next_cursor\"",
                        "\"example\"");
        assertThat(response.body()).doesNotContain("\"totalUses\"", "\"driftPercent\"", "\"billedCost\"");
        var imports = response.json()
                .get("paths")
                .get("/v1/analytics/reconciliation/imports")
                .get("post");
        assertThat(imports.get("requestBody").get("content").propertyNames()).containsExactly("text/csv");
        assertThat(imports.get("parameters").findValuesAsString("name")).containsExactly("format");
        assertThat(imports.get("responses").propertyNames()).contains("201");
        // the caller is the API key, not a body: POST endpoints document only their real body
        var keys = response.json().get("paths").get("/v1/admin/keys").get("post");
        assertThat(keys.get("requestBody").toString()).doesNotContain("key_name");
        var repricing = response.json().get("paths").get("/v1/repricing").get("post");
        assertThat(repricing.get("requestBody").toString())
                .doesNotContain("key_name")
                .contains("RepricingRequest");
    }
}
