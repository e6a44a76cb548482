package dev.promptengine.analytics.repricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What {@code /v1/repricing} refuses before anything is quoted, and what happens when cost-service
 * cannot quote: a clear problem, the run recorded as failed, nothing published. (Quoting, the diff
 * and applying run with the real cost-service in e2e's {@code RepricingIntegrationTests}.)
 */
class RepricingRequestsIntegrationTests extends QueryApiTestSupport {

    private static final String RANGE = "\"from\":\"2026-11-20T00:00:00Z\",\"to\":\"2026-12-01T00:00:00Z\"";

    @Test
    void refusesMissingAndBackwardsRangesNamingTheField() {
        var missing = postJson("/v1/repricing", "{\"to\":\"2026-11-08T00:00:00Z\"}", ACME_ADMIN);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("parameter").asString()).isEqualTo("from");

        var backwards = postJson(
                "/v1/repricing", "{\"from\":\"2026-11-08T00:00:00Z\",\"to\":\"2026-11-01T00:00:00Z\"}", ACME_ADMIN);
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.json().get("parameter").asString()).isEqualTo("to");
        assertThat(backwards.json().get("detail").asString()).contains("after 'from'");

        var tooLong = postJson(
                "/v1/repricing", "{\"from\":\"2024-01-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}", ACME_ADMIN);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("detail").asString()).contains("400 days");

        var notJson = postJson("/v1/repricing", "{\"from\": 12", ACME_ADMIN);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("parameter").asString()).isEqualTo("body");
    }

    @Test
    void aTenantAdminRepricesItsOwnTenantOnlyAndAnAnalystNothing() {
        var other = postJson("/v1/repricing", "{" + RANGE + ",\"tenant\":\"globex\"}", ACME_ADMIN);
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.json().get("parameter").asString()).isEqualTo("tenant");

        assertThat(postJson("/v1/repricing", "{" + RANGE + "}", ACME_ANALYST).status())
                .isEqualTo(403);
        assertThat(postJson("/v1/repricing", "{" + RANGE + "}", null).status()).isEqualTo(401);
    }

    @Test
    void whenCostServiceCannotQuoteTheRunFailsVisiblyAndNothingIsPublished() {
        long runsBefore =
                jdbc.sql("SELECT count(*) FROM repricing_run").query(Long.class).single();

        var response = postJson("/v1/repricing", "{" + RANGE + ",\"dry_run\":false}", ACME_ADMIN);

        assertThat(response.status()).as(response.body()).isEqualTo(502);
        assertThat(response.json().get("type").asString()).endsWith("pricing-unavailable");
        assertThat(response.json().get("detail").asString()).contains("cost-service could not be reached");
        var run = jdbc.sql("SELECT status, tenant, corrections_published, error FROM repricing_run"
                        + " ORDER BY created_at DESC LIMIT 1")
                .query((rs, n) -> rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getLong(3) + "|" + rs.getString(4))
                .single();
        assertThat(run).startsWith("failed|acme|0|cost-service could not be reached");
        assertThat(jdbc.sql("SELECT count(*) FROM repricing_run")
                        .query(Long.class)
                        .single())
                .isEqualTo(runsBefore + 1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE endpoint = 'POST /v1/repricing' AND tenant = 'acme'")
                        .query(Long.class)
                        .single())
                .isPositive();
    }

    @Test
    void aRunIsVisibleToItsTenantAndThePlatformAdminOnly() {
        var id = UUID.randomUUID();
        jdbc.sql("INSERT INTO repricing_run (id, tenant, requested_by, requested_role, scope, dry_run, status)"
                        + " VALUES (:id, 'acme', 'acme-admin', 'admin', '{\"from\":\"2026-11-01T00:00:00Z\"}', true,"
                        + " 'planned')")
                .param("id", id)
                .update();

        var own = get("/v1/repricing/" + id, ACME_ADMIN);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("status").asString()).isEqualTo("planned");
        assertThat(own.json().get("scope").get("from").asString()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(get("/v1/repricing/" + id, GLOBEX_ADMIN).status()).isEqualTo(404);
        assertThat(get("/v1/repricing/" + id, PLATFORM_ADMIN).status()).isEqualTo(200);
        assertThat(get("/v1/repricing/not-a-uuid", ACME_ADMIN)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("id");
    }
}
