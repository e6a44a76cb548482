package dev.promptengine.cost.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.cost.IntegrationTestBase;
import dev.promptengine.testsupport.PathSpellings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every protected endpoint of cost-service, spelled every way decoding or normalisation could read
 * differently ({@code GET /%761/prices} once answered 200 with the whole catalog without a key): never
 * served, never a 5xx, and the catalog unchanged afterwards.
 */
class PathSpellingIntegrationTests extends IntegrationTestBase {

    private static final String PRICE_BODY = "{\"provider\":\"spelling\",\"model\":\"spelling-model\","
            + "\"input_per_1m\":\"1\",\"output_per_1m\":\"2\",\"effective_from\":\"2026-01-01T00:00:00Z\"}";

    private static final String DISCOUNT_BODY = "{\"tenant\":\"acme\",\"provider\":\"spelling\",\"percent\":\"10\","
            + "\"effective_from\":\"2026-01-01T00:00:00Z\"}";

    private static final String QUOTE_BODY = "{\"executions\":[{\"id\":\"" + java.util.UUID.randomUUID()
            + "\",\"tenant\":\"acme\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
            + "\"occurred_at\":\"2025-01-01T00:00:00Z\",\"input_tokens\":1,\"output_tokens\":1}]}";

    record Endpoint(String method, String path, String body) {}

    private static final List<Endpoint> PROTECTED = List.of(
            new Endpoint("GET", "/v1/prices", null),
            new Endpoint("POST", "/v1/prices", PRICE_BODY),
            new Endpoint("GET", "/v1/prices/1", null),
            new Endpoint("PUT", "/v1/prices/1", PRICE_BODY),
            new Endpoint("DELETE", "/v1/prices/1", null),
            new Endpoint("GET", "/v1/prices/resolve?provider=openai&model=gpt-4o", null),
            new Endpoint("GET", "/v1/prices/unpriced", null),
            new Endpoint("GET", "/v1/prices/audit", null),
            new Endpoint("GET", "/v1/prices/1/history", null),
            new Endpoint("GET", "/v1/prices/discounts", null),
            new Endpoint("POST", "/v1/prices/discounts", DISCOUNT_BODY),
            new Endpoint("GET", "/v1/prices/discounts/1", null),
            new Endpoint("PUT", "/v1/prices/discounts/1", DISCOUNT_BODY),
            new Endpoint("DELETE", "/v1/prices/discounts/1", null),
            new Endpoint("POST", "/v1/prices/quote", QUOTE_BODY));

    @Test
    void everySpellingOfEveryProtectedEndpointWithoutAKeyIsRefusedAndChangesNothing() throws Exception {
        var catalogBefore = get("/v1/prices").body();
        var discountsBefore = get("/v1/prices/discounts").body();

        for (var endpoint : PROTECTED) {
            String path = endpoint.path().replaceFirst("\\?.*", "");
            String query = endpoint.path().contains("?") ? endpoint.path().substring(path.length()) : "";
            for (String spelling : PathSpellings.of(path)) {
                int status = PathSpellings.status(port, endpoint.method(), spelling + query, null, endpoint.body());

                assertThat(status)
                        .as("%s %s without a key", endpoint.method(), spelling + query)
                        .isIn(400, 401, 403, 404, 405);
            }
        }
        assertThat(get("/v1/prices").body()).isEqualTo(catalogBefore);
        assertThat(get("/v1/prices/discounts").body()).isEqualTo(discountsBefore);
    }

    @Test
    void everySpellingOfThePriceEditsWithAnAnalystOrTenantAdminKeyIsRefused() throws Exception {
        var catalogBefore = get("/v1/prices").body();
        var discountsBefore = get("/v1/prices/discounts").body();

        for (var endpoint : PROTECTED) {
            if (endpoint.method().equals("GET")) {
                continue;
            }
            for (String key : List.of(ANALYST_KEY, TENANT_ADMIN_KEY)) {
                for (String spelling : PathSpellings.of(endpoint.path())) {
                    int status = PathSpellings.status(port, endpoint.method(), spelling, key, endpoint.body());

                    assertThat(status)
                            .as("%s %s with key %s", endpoint.method(), spelling, key)
                            .isIn(400, 401, 403, 404, 405);
                }
            }
        }
        assertThat(get("/v1/prices").body()).isEqualTo(catalogBefore);
        assertThat(get("/v1/prices/discounts").body()).isEqualTo(discountsBefore);
    }

    @Test
    void theReportedBypassAnswers400() throws Exception {
        assertThat(PathSpellings.status(port, "GET", "/%761/prices", null, null))
                .isEqualTo(400);
        assertThat(PathSpellings.status(port, "GET", "/v1/prices", null, null)).isEqualTo(401);
        assertThat(PathSpellings.status(port, "GET", "/v1/prices", PLATFORM_ADMIN_KEY, null))
                .isEqualTo(200);
    }
}
