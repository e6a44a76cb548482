package dev.promptengine.cost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The OpenAPI document is public and describes every endpoint of the pricing API. */
class OpenApiIntegrationTests extends IntegrationTestBase {

    @Test
    void theOpenApiDocumentListsEveryPricingPathWithItsParameters() {
        var response = send("GET", "/v3/api-docs", null, null);

        assertThat(response.status()).isEqualTo(200);
        var paths = response.body().get("paths");
        assertThat(paths.propertyNames())
                .contains(
                        "/v1/prices",
                        "/v1/prices/{id}",
                        "/v1/prices/{id}/history",
                        "/v1/prices/resolve",
                        "/v1/prices/discounts",
                        "/v1/prices/discounts/{id}",
                        "/v1/prices/quote",
                        "/v1/prices/unpriced",
                        "/v1/prices/audit");
        assertThat(paths.get("/v1/prices/resolve").toString()).contains("known_at", "tenant");
        assertThat(paths.get("/v1/prices/{id}").get("delete").toString()).contains("reason");
        assertThat(paths.get("/v1/prices/quote").get("post").get("summary").asString())
                .contains("10,000");
        assertThat(response.body().toString()).contains("\"input_per_1m\"", "\"effective_from\"", "\"percent\"");
    }
}
