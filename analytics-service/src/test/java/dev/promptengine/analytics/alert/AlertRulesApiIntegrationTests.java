package dev.promptengine.analytics.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/alerts/rules} on the real database: tenant isolation, roles failing closed, problem
 * details naming field and limit with nothing stored, admin locks, audit trail.
 */
class AlertRulesApiIntegrationTests extends QueryApiTestSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    static String rule(String name) {
        return """
                {"name": "%s", "metric": "error_rate", "scope": {"prompt": "summarize-ticket", "environment": "production"},
                 "window": "15m", "condition": "threshold", "operator": ">", "threshold": "12.5", "min_volume": 20,
                 "consecutive": 2}
                """.formatted(name);
    }

    @Test
    void analystCreatesReadsReplacesAndDeletesRulesOfItsTenantOnly() {
        // Given an analyst of acme creates a rule
        String name = "errors " + UUID.randomUUID();
        var created = postJson("/v1/alerts/rules", rule(name), ACME_ANALYST);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var json = created.json();
        String id = json.get("id").asString();
        assertThat(json.get("metric").asString()).isEqualTo("error_rate");
        assertThat(json.get("window").asString()).isEqualTo("15m");
        assertThat(json.get("operator").asString()).isEqualTo(">");
        assertThat(json.get("threshold").asString()).isEqualTo("12.5");
        assertThat(json.get("min_volume").asLong()).isEqualTo(20);
        assertThat(json.get("consecutive").asInt()).isEqualTo(2);
        assertThat(json.get("scope").get("prompt").asString()).isEqualTo("summarize-ticket");
        assertThat(json.get("state").get("state").asString()).isEqualTo("ok");
        assertThat(json.get("created_by").asString()).isEqualTo("acme-analyst");
        assertThat(json.has("webhook_secret")).isFalse();

        // Then acme sees it, globex does not (404 like an unknown id, absent from its list)
        assertThat(get("/v1/alerts/rules/" + id, ACME_ANALYST).status()).isEqualTo(200);
        assertThat(names(get("/v1/alerts/rules", ACME_ANALYST))).contains(name);
        assertThat(get("/v1/alerts/rules/" + id, GLOBEX_ANALYST).status()).isEqualTo(404);
        assertThat(names(get("/v1/alerts/rules", GLOBEX_ANALYST))).doesNotContain(name);
        assertThat(send("DELETE", "/v1/alerts/rules/" + id, null, GLOBEX_ADMIN).statusCode())
                .isEqualTo(404);

        // When acme replaces it, the new definition is kept
        var replaced = send("PUT", "/v1/alerts/rules/" + id, """
                {"name": "%s", "metric": "cost", "window": "1h", "condition": "change", "operator": ">",
                 "threshold": 50, "compare_to": "last_week"}
                """.formatted(name), ACME_ANALYST);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        var after = get("/v1/alerts/rules/" + id, ACME_ANALYST).json();
        assertThat(after.get("metric").asString()).isEqualTo("cost");
        assertThat(after.get("compare_to").asString()).isEqualTo("last_week");
        assertThat(after.get("scope").size()).isZero();

        // and a delete removes it
        assertThat(send("DELETE", "/v1/alerts/rules/" + id, null, ACME_ANALYST).statusCode())
                .isEqualTo(204);
        assertThat(get("/v1/alerts/rules/" + id, ACME_ANALYST).status()).isEqualTo(404);

        // and every write is in the tenant's audit trail
        long audited = jdbc.sql("""
                        SELECT count(*) FROM audit_log WHERE tenant = 'acme' AND key_name = 'acme-analyst'
                          AND endpoint IN ('POST /v1/alerts/rules', 'PUT /v1/alerts/rules/{id}', 'DELETE /v1/alerts/rules/{id}')
                          AND filters->>'id' = :id
                        """).param("id", id).query(Long.class).single();
        assertThat(audited).isEqualTo(3);
    }

    @Test
    void rolesFailClosed() {
        assertThat(postJson("/v1/alerts/rules", rule("x"), null).status()).isEqualTo(401);
        assertThat(postJson("/v1/alerts/rules", rule("x"), ACME_PUBLISHER).status())
                .isEqualTo(403);
        assertThat(get("/v1/alerts/rules", ACME_PUBLISHER).status()).isEqualTo(403);
        assertThat(get("/v1/alerts/firing", ACME_PUBLISHER).status()).isEqualTo(403);
        assertThat(get("/v1/alerts/rules", PLATFORM_ADMIN).status()).isEqualTo(403);
    }

    @Test
    void invalidRulesAreRefusedNamingFieldAndLimitAndStoreNothing() {
        long before = rulesStored();
        assertInvalid(rule("w").replace("\"15m\"", "\"1m\""), "window", "between 5m and 30d");
        assertInvalid(rule("w").replace("\"15m\"", "\"31d\""), "window", "between 5m and 30d");
        assertInvalid(rule("m").replace("error_rate", "latency"), "metric", "must be one of cost, executions");
        assertInvalid(rule("t").replace("\"12.5\"", "\"abc\""), "threshold", "threshold");
        assertInvalid(rule("t").replace("\"12.5\"", "101"), "threshold", "at most 100");
        assertInvalid(rule("o").replace("\">\"", "\">=\""), "operator", "> or <");
        assertInvalid(rule("c").replace("\"threshold\",", "\"change\","), "compare_to", "previous_window or last_week");
        assertInvalid(rule("v").replace("\"min_volume\": 20", "\"min_volume\": -1"), "min_volume", "between 0 and");
        assertInvalid(
                rule("n").replace("\"consecutive\": 2", "\"consecutive\": 0"), "consecutive", "between 1 and 100");
        assertInvalid(rule("x".repeat(201)), "name", "1 to 200 characters");
        assertInvalid(
                rule("s")
                        .replace("\"environment\": \"production\"", "\"model\": \"gpt-4o\"")
                        .replace("error_rate", "usages"),
                "scope.model",
                "usages have no provider or model");
        assertInvalid(
                rule("h").replace("\"consecutive\": 2", "\"webhook_url\": \"https://hooks.example.com/x\""),
                "webhook_secret",
                "16 to 256 characters");
        assertInvalid(
                rule("h")
                        .replace(
                                "\"consecutive\": 2",
                                "\"webhook_url\": \"ftp://x\", \"webhook_secret\": \"0123456789abcdef\""),
                "webhook_url",
                "absolute http or https URL");
        assertInvalid("[1, 2]", "body", "JSON object");
        assertThat(rulesStored()).isEqualTo(before);
    }

    @Test
    void anAdminLockedRuleIsReadOnlyForAnalysts() {
        var locked = postJson(
                "/v1/alerts/rules", rule("locked").replace("\"consecutive\": 2", "\"locked\": true"), ACME_ANALYST);
        assertThat(locked.status()).isEqualTo(403);
        assertThat(locked.json().get("parameter").asString()).isEqualTo("locked");

        var created = postJson(
                "/v1/alerts/rules", rule("locked").replace("\"consecutive\": 2", "\"locked\": true"), ACME_ADMIN);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(get("/v1/alerts/rules/" + id, ACME_ANALYST)
                        .json()
                        .get("locked")
                        .asBoolean())
                .isTrue();
        assertThat(send("PUT", "/v1/alerts/rules/" + id, rule("changed"), ACME_ANALYST)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("DELETE", "/v1/alerts/rules/" + id, null, ACME_ANALYST).statusCode())
                .isEqualTo(403);
        assertThat(postJson("/v1/alerts/rules/" + id + "/silence", "{\"until\": null}", ACME_ANALYST)
                        .status())
                .isEqualTo(403);
        assertThat(get("/v1/alerts/rules/" + id, ACME_ANALYST)
                        .json()
                        .get("name")
                        .asString())
                .isEqualTo("locked");
        assertThat(send("DELETE", "/v1/alerts/rules/" + id, null, ACME_ADMIN).statusCode())
                .isEqualTo(204);
    }

    @Test
    void acknowledgingARuleThatIsNotFiringIsAConflictAndSilenceIsBounded() {
        String id = postJson("/v1/alerts/rules", rule("ack"), ACME_ANALYST)
                .json()
                .get("id")
                .asString();
        var ack = postJson("/v1/alerts/rules/" + id + "/acknowledge", "", ACME_ANALYST);
        assertThat(ack.status()).isEqualTo(409);
        assertThat(ack.json().get("detail").asString()).contains("not firing");
        var tooLong =
                postJson("/v1/alerts/rules/" + id + "/silence", "{\"until\": \"2999-01-01T00:00:00Z\"}", ACME_ANALYST);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("parameter").asString()).isEqualTo("until");
        assertThat(get("/v1/alerts/rules/" + id + "/history", params("limit", "0"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("limit");
        assertThat(get("/v1/alerts/rules/not-a-uuid", ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("id");
    }

    @Test
    void theOpenApiDocumentDescribesTheAlertEndpointsInSnakeCase() {
        var response = get("/v3/api-docs", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body())
                .contains(
                        "/v1/alerts/rules",
                        "/v1/alerts/rules/{id}",
                        "/v1/alerts/rules/{id}/history",
                        "/v1/alerts/rules/{id}/deliveries",
                        "/v1/alerts/rules/{id}/silence",
                        "/v1/alerts/rules/{id}/acknowledge",
                        "/v1/alerts/firing",
                        "\"min_volume\"",
                        "\"compare_to\"",
                        "\"webhook_secret\"",
                        "\"last_evaluated_at\"");
        assertThat(response.body()).doesNotContain("\"minVolume\"", "\"compareTo\"", "\"lastEvaluatedAt\"");
        var create = response.json().get("paths").get("/v1/alerts/rules").get("post");
        assertThat(create.get("requestBody").toString()).contains("RuleRequest").doesNotContain("key_name");
    }

    private void assertInvalid(String body, String field, String detail) {
        var response = postJson("/v1/alerts/rules", body, ACME_ANALYST);
        assertThat(response.status()).as(body + " → " + response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("parameter").asString()).isEqualTo(field);
        assertThat(response.json().get("detail").asString()).contains(detail);
    }

    private long rulesStored() {
        return jdbc.sql("SELECT count(*) FROM alert_rule").query(Long.class).single();
    }

    private static java.util.List<String> names(Response response) {
        assertThat(response.status()).isEqualTo(200);
        var names = new java.util.ArrayList<String>();
        response.json().get("rules").forEach(r -> names.add(r.get("name").asString()));
        return names;
    }

    private HttpResponse<String> send(String method, String path, String body, String key) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }
}
