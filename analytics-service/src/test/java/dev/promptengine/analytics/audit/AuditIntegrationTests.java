package dev.promptengine.analytics.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AuditIntegrationTests extends QueryApiTestSupport {

    @Test
    void recordsWhoQueriedWhatWithFiltersAndRows() {
        // Given an analyst query with a recognisable filter
        String environment = "audit-" + UUID.randomUUID();
        get("/v1/analytics/cost-breakdown", params("group_by", "model", "environment", environment), ACME_ANALYST);

        // When the admin reads the trail
        var entry = find(get("/v1/audit", ACME_ADMIN).json(), environment);

        // Then
        assertThat(entry.get("key_name").asString()).isEqualTo("acme-analyst");
        assertThat(entry.get("role").asString()).isEqualTo("analyst");
        assertThat(entry.get("endpoint").asString()).isEqualTo("GET /v1/analytics/cost-breakdown");
        assertThat(entry.get("filters").get("group_by").asString()).isEqualTo("model");
        assertThat(entry.get("filters").get("from").asString())
                .isEqualTo(TestData.NOW.minus(java.time.Duration.ofDays(7)).toString());
        assertThat(entry.get("rows_returned").asLong()).isZero();
        assertThat(entry.get("occurred_at").asString()).isEqualTo(TestData.NOW.toString());
    }

    @Test
    void recordsExportsWithTheirRowCount() {
        String user = "audit-" + UUID.randomUUID();
        get("/v1/export/executions.csv", params("user", user), ACME_ANALYST);
        get("/v1/export/executions.csv", params("status", "error"), ACME_ANALYST);

        var trail = get("/v1/audit", ACME_ADMIN).json();

        assertThat(find(trail, user).get("rows_returned").asLong()).isZero();
        var errors = trail.get("entries")
                .valueStream()
                .filter(e -> e.get("endpoint").asString().equals("GET /v1/export/executions.csv"))
                .filter(e -> e.get("filters").has("status"))
                .findFirst()
                .orElseThrow();
        assertThat(errors.get("rows_returned").asLong()).isEqualTo(5);
    }

    @Test
    void showsOnlyTheAdminsTenant() {
        String environment = "audit-" + UUID.randomUUID();
        get("/v1/analytics/usage-stats", params("environment", environment), ACME_ANALYST);

        var globexTrail = get("/v1/audit", GLOBEX_ADMIN).json();

        assertThat(globexTrail
                        .get("entries")
                        .valueStream()
                        .filter(e -> e.get("filters").toString().contains(environment)))
                .isEmpty();
    }

    @Test
    void isForAdminsOnly() {
        assertThat(get("/v1/audit", ACME_ANALYST).status()).isEqualTo(403);
        assertThat(get("/v1/audit", ACME_PUBLISHER).status()).isEqualTo(403);
        assertThat(get("/v1/audit", null).status()).isEqualTo(401);
    }

    @Test
    void pagesWithBeforeId() {
        for (int i = 0; i < 3; i++) {
            get("/v1/analytics/top-prompts", ACME_ANALYST);
        }

        var first = get("/v1/audit", params("limit", "2"), ACME_ADMIN).json();
        long next = first.get("next_before_id").asLong();
        var second = get("/v1/audit", params("limit", "2", "before_id", Long.toString(next)), ACME_ADMIN)
                .json();

        assertThat(first.get("entries")).hasSize(2);
        assertThat(second.get("entries").get(0).get("id").asLong()).isLessThan(next);
        assertThat(get("/v1/audit", params("limit", "0"), ACME_ADMIN).status()).isEqualTo(400);
    }

    private static JsonNode find(JsonNode trail, String marker) {
        return trail.get("entries")
                .valueStream()
                .filter(e -> e.get("filters").toString().contains(marker))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no audit entry with " + marker + " in " + trail));
    }
}
