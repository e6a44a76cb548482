package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.testsupport.PathSpellings;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every protected endpoint of analytics-service, spelled every way decoding or normalisation could
 * read differently (analytics once answered such spellings with 500), without a key and with a key
 * of a role the endpoint does not admit: never served, never a 5xx.
 */
class PathSpellingIntegrationTests extends QueryApiTestSupport {

    /** An endpoint, and a key of a role it does not admit. */
    record Endpoint(String method, String path, String wrongRoleKey) {}

    private static final List<Endpoint> PROTECTED = List.of(
            new Endpoint("GET", "/v1/analytics/usage-stats", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/analytics/prompts/support-reply/performance", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/analytics/cost-breakdown", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/analytics/error-analysis", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/analytics/top-prompts", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/analytics/timeseries", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/analytics/prompts/support-reply/versions/compare", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/analytics/reconciliation", ACME_PUBLISHER),
            new Endpoint("POST", "/v1/analytics/reconciliation/imports", ACME_ANALYST),
            new Endpoint(
                    "GET", "/v1/analytics/reconciliation/imports/00000000-0000-0000-0000-000000000001", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/executions", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/executions/00000000-0000-0000-0000-000000000001", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/export/executions.csv", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/audit", ACME_ANALYST),
            new Endpoint("GET", "/v1/admin/dead-letters", ACME_ANALYST),
            new Endpoint("GET", "/v1/admin/dead-letters/counts", ACME_ANALYST),
            new Endpoint("POST", "/v1/admin/dead-letters/replay", ACME_ANALYST),
            new Endpoint("POST", "/v1/admin/rollups/rebuild", ACME_ADMIN),
            new Endpoint("POST", "/v1/repricing", ACME_ANALYST),
            new Endpoint("GET", "/v1/repricing/00000000-0000-0000-0000-000000000001", ACME_ANALYST),
            new Endpoint("GET", "/v1/alerts/rules", ACME_PUBLISHER),
            new Endpoint("POST", "/v1/alerts/rules", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/alerts/firing", ACME_PUBLISHER),
            new Endpoint("GET", "/v1/alerts/rules/00000000-0000-0000-0000-000000000001/history", ACME_PUBLISHER));

    @Test
    void everySpellingOfEveryProtectedEndpointIsRefusedWithoutAKeyOrWithTheWrongRole() throws Exception {
        for (var endpoint : PROTECTED) {
            for (String spelling : PathSpellings.of(endpoint.path())) {
                for (String key : Arrays.asList(null, endpoint.wrongRoleKey())) {
                    int status = PathSpellings.status(port, endpoint.method(), spelling, key, null);

                    assertThat(status)
                            .as("%s %s with key %s", endpoint.method(), spelling, key)
                            .isIn(400, 401, 403, 404, 405);
                }
            }
        }
    }

    @Test
    void theCanonicalPathsAnswerTheRightRoleAndRefuseTheWrongOne() throws Exception {
        for (var endpoint : PROTECTED) {
            assertThat(PathSpellings.status(port, endpoint.method(), endpoint.path(), null, null))
                    .as("%s %s without a key", endpoint.method(), endpoint.path())
                    .isEqualTo(401);
            assertThat(PathSpellings.status(port, endpoint.method(), endpoint.path(), endpoint.wrongRoleKey(), null))
                    .as("%s %s with the wrong role", endpoint.method(), endpoint.path())
                    .isEqualTo(403);
        }
        assertThat(PathSpellings.status(port, "GET", "/v1/analytics/usage-stats", ACME_ANALYST, null))
                .isEqualTo(200);
        assertThat(PathSpellings.status(port, "GET", "/%761/analytics/usage-stats", ACME_ANALYST, null))
                .isEqualTo(400);
    }
}
