package dev.promptengine.cost.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptengine.cost.IntegrationTestBase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class PricingApiIntegrationTests extends IntegrationTestBase {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DefaultCatalog defaultCatalog;

    static Map<String, Object> priceBody(String model, String input, String from, String until) {
        var body = new LinkedHashMap<String, Object>();
        body.put("provider", "acme");
        body.put("model", model);
        body.put("input_per_1m", input);
        body.put("output_per_1m", "15");
        body.put("cached_input_per_1m", "0.5");
        body.put("effective_from", from);
        body.put("effective_until", until);
        body.put("source", "contract 2025");
        return body;
    }

    static String uniqueModel() {
        return "acme-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void loadsTheDefaultCatalogWhereTheSeedPriceEndsWhereTheCurrentBegins() {
        var response = get("/v1/prices?provider=openai&model=gpt-4o");

        assertThat(response.status()).isEqualTo(200);
        var prices = response.body().get("prices");
        assertThat(prices).hasSize(2);
        assertThat(prices.get(0).get("input_per_1m").decimalValue()).isEqualByComparingTo("5.00");
        assertThat(prices.get(0).get("output_per_1m").decimalValue()).isEqualByComparingTo("15.00");
        assertThat(prices.get(0).get("effective_from").asString()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(prices.get(0).get("effective_until").asString()).isEqualTo("2024-10-02T00:00:00Z");
        assertThat(prices.get(1).get("input_per_1m").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(prices.get(1).get("effective_from").asString()).isEqualTo("2024-10-02T00:00:00Z");
        assertThat(prices.get(1).get("effective_until").isNull()).isTrue();
        assertThat(get("/v1/prices?provider=anthropic&model=claude-3-haiku-20240307&active_at=2024-03-01T00:00:00Z")
                        .body()
                        .get("prices")
                        .get(0)
                        .get("output_per_1m")
                        .decimalValue())
                .isEqualByComparingTo("1.25");
    }

    @Test
    void pagesTheCatalogAndRefusesAPageAboveTheLimit() {
        var all = get("/v1/prices?limit=1000").body().get("prices");
        assertThat(all.size()).isGreaterThanOrEqualTo(60);

        // pages of 7 walk the whole catalog in the same order, each row once
        var walked = new java.util.ArrayList<String>();
        Integer offset = 0;
        while (offset != null) {
            var page = get("/v1/prices?limit=7&offset=" + offset).body();
            assertThat(page.get("prices").size()).isBetween(1, 7);
            page.get("prices").forEach(price -> walked.add(price.get("id").asString()));
            offset = page.has("next_offset") ? page.get("next_offset").asInt() : null;
        }
        var expected = new java.util.ArrayList<String>();
        all.forEach(price -> expected.add(price.get("id").asString()));
        assertThat(walked).isEqualTo(expected);

        var tooLarge = send("GET", "/v1/prices?limit=1001", null, PLATFORM_ADMIN_KEY);
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.body().get("detail").asString()).isEqualTo("'limit' must be 1..1000, was 1001");
        assertThat(tooLarge.body().get("errors").get(0).get("field").asString()).isEqualTo("limit");
        var negative = send("GET", "/v1/prices?offset=-1", null, PLATFORM_ADMIN_KEY);
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body().get("errors").get(0).get("field").asString()).isEqualTo("offset");
    }

    @Test
    void createsReadsReplacesAndDeletesAPrice() {
        String model = uniqueModel();

        var created =
                send("POST", "/v1/prices", priceBody(model, "3", "2025-01-01T00:00:00Z", null), PLATFORM_ADMIN_KEY);
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asString();
        assertThat(get("/v1/prices/" + id).body().get("cached_input_per_1m").decimalValue())
                .isEqualByComparingTo("0.5");

        var replaced = send(
                "PUT", "/v1/prices/" + id, priceBody(model, "2.75", "2025-01-01T00:00:00Z", null), PLATFORM_ADMIN_KEY);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(get("/v1/prices/" + id).body().get("input_per_1m").decimalValue())
                .isEqualByComparingTo("2.75");

        assertThat(send("DELETE", "/v1/prices/" + id, null, PLATFORM_ADMIN_KEY).status())
                .isEqualTo(204);
        assertThat(get("/v1/prices/" + id).status()).isEqualTo(404);
        assertThat(send("DELETE", "/v1/prices/" + id, null, PLATFORM_ADMIN_KEY).status())
                .isEqualTo(404);
    }

    @Test
    void rejectsAnOverlappingRangeForTheSameProviderAndModel() {
        String model = uniqueModel();
        send(
                "POST",
                "/v1/prices",
                priceBody(model, "3", "2025-01-01T00:00:00Z", "2025-07-01T00:00:00Z"),
                PLATFORM_ADMIN_KEY);

        var overlapping = send(
                "POST",
                "/v1/prices",
                priceBody(model.toUpperCase(), "4", "2025-06-30T00:00:00Z", null),
                PLATFORM_ADMIN_KEY);
        var adjacent =
                send("POST", "/v1/prices", priceBody(model, "4", "2025-07-01T00:00:00Z", null), PLATFORM_ADMIN_KEY);

        assertThat(overlapping.status()).isEqualTo(409);
        assertThat(overlapping.contentType()).startsWith("application/problem+json");
        assertThat(overlapping.body().get("type").asString())
                .isEqualTo("https://promptengine.dev/problems/price-overlap");
        assertThat(adjacent.status()).isEqualTo(201);
    }

    @Test
    void theDatabaseItselfRejectsOverlapsThatBypassTheApplication() {
        String model = uniqueModel();
        insertDirectly(model, "2025-01-01", null);

        assertThatThrownBy(() -> insertDirectly(model, "2026-01-01", "2026-02-01"))
                .hasRootCauseInstanceOf(SQLException.class)
                .rootCause()
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23P01"))
                .hasMessageContaining("prices_no_overlap");
        assertThatThrownBy(() -> insertDirectly(uniqueModel(), "2026-01-01", "2025-01-01"))
                .hasMessageContaining("prices_effective_range");
    }

    private void insertDirectly(String model, String from, String until) {
        jdbc.sql("""
                        INSERT INTO prices (id, provider, model, input_per_1m, output_per_1m, effective_from,
                                            effective_until, created_at, updated_at)
                        VALUES (:id, 'acme', :model, 1, 2, CAST(:from AS timestamptz), CAST(:until AS timestamptz), now(), now())
                        """)
                .param("id", UUID.randomUUID())
                .param("model", model)
                .param("from", from)
                .param("until", until)
                .update();
    }

    @Test
    void rejectsInvalidFieldsNamingTheField() {
        var negative = send(
                "POST", "/v1/prices", priceBody(uniqueModel(), "-1", "2025-01-01T00:00:00Z", null), PLATFORM_ADMIN_KEY);
        var backwards = send(
                "POST",
                "/v1/prices",
                priceBody(uniqueModel(), "1", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
                PLATFORM_ADMIN_KEY);
        var badPattern = priceBody(uniqueModel(), "1", "2025-01-01T00:00:00Z", null);
        badPattern.put("match_pattern", "gpt-(4o");
        var tooPrecise = priceBody(uniqueModel(), "0.0000000000001", "2025-01-01T00:00:00Z", null);
        var noProvider = priceBody(uniqueModel(), "1", "2025-01-01T00:00:00Z", null);
        noProvider.remove("provider");

        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body().get("errors").get(0).get("field").asString()).isEqualTo("input_per_1m");
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.body().get("errors").get(0).get("field").asString())
                .isEqualTo("effective_until");
        var pattern = send("POST", "/v1/prices", badPattern, PLATFORM_ADMIN_KEY);
        assertThat(pattern.status()).isEqualTo(400);
        assertThat(pattern.body().get("errors").get(0).get("field").asString()).isEqualTo("match_pattern");
        var lookaround = priceBody(uniqueModel(), "1", "2025-01-01T00:00:00Z", null);
        lookaround.put("match_pattern", "(?=gpt)gpt-4o.*");
        var refused = send("POST", "/v1/prices", lookaround, PLATFORM_ADMIN_KEY);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("errors").get(0).get("message").asString())
                .contains("not a valid RE2 regular expression");
        assertThat(send("POST", "/v1/prices", tooPrecise, PLATFORM_ADMIN_KEY)
                        .body()
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("input_per_1m");
        assertThat(send("POST", "/v1/prices", noProvider, PLATFORM_ADMIN_KEY)
                        .body()
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("provider");
        assertThat(negative.body().get("type").asString()).isEqualTo("https://promptengine.dev/problems/invalid-price");
    }

    @Test
    void onlyAdminsMayUseThePricingApi() {
        assertThat(send("GET", "/v1/prices", null, ANALYST_KEY).status()).isEqualTo(403);
        assertThat(send("GET", "/v1/prices", null, null).status()).isEqualTo(401);
        assertThat(send("GET", "/v1/prices/unpriced", null, ANALYST_KEY).status())
                .isEqualTo(403);
    }

    @Test
    void aTenantAdminReadsTheSharedCatalogButOnlyThePlatformAdminChangesItAndEveryChangeIsAudited() {
        String model = uniqueModel();
        var body = priceBody(model, "3", "2025-01-01T00:00:00Z", null);

        // a tenant admin reads and resolves, but cannot change the catalog every tenant is priced with
        assertThat(send("GET", "/v1/prices", null, TENANT_ADMIN_KEY).status()).isEqualTo(200);
        assertThat(send("GET", "/v1/prices/resolve?provider=openai&model=gpt-4o", null, TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(200);
        var otherTenant = new LinkedHashMap<>(body);
        otherTenant.put("tenant", "globex");
        var refused = send("POST", "/v1/prices", otherTenant, TENANT_ADMIN_KEY);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().get("errors").get(0).get("field").asString()).isEqualTo("tenant");
        assertThat(send("GET", "/v1/prices/unpriced", null, TENANT_ADMIN_KEY).status())
                .isEqualTo(403);
        assertThat(send("GET", "/v1/prices/audit", null, TENANT_ADMIN_KEY).status())
                .isEqualTo(403);
        assertThat(get("/v1/prices?provider=acme&model=" + model).body().get("prices"))
                .isEmpty();

        // the platform admin creates, replaces and deletes; a tenant admin can touch none of it
        var created = send("POST", "/v1/prices", body, PLATFORM_ADMIN_KEY);
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asString();
        assertThat(send(
                                "PUT",
                                "/v1/prices/" + id,
                                priceBody(model, "9", "2025-01-01T00:00:00Z", null),
                                TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(403);
        var deleteRefused = send("DELETE", "/v1/prices/" + id, null, TENANT_ADMIN_KEY);
        assertThat(deleteRefused.status()).isEqualTo(403);
        assertThat(deleteRefused.body().get("detail").asString()).contains("platform_admin");
        assertThat(send(
                                "PUT",
                                "/v1/prices/" + id,
                                priceBody(model, "2.5", "2025-01-01T00:00:00Z", null),
                                PLATFORM_ADMIN_KEY)
                        .status())
                .isEqualTo(200);
        assertThat(send("DELETE", "/v1/prices/" + id, null, PLATFORM_ADMIN_KEY).status())
                .isEqualTo(204);

        // and the trail has each change with the key, its tenant, and the row before and after
        var entries = get("/v1/prices/audit?price_id=" + id).body().get("entries");
        assertThat(entries).hasSize(3);
        var delete = entries.get(0);
        var replace = entries.get(1);
        var create = entries.get(2);
        assertThat(create.get("action").asString()).isEqualTo("create");
        assertThat(create.get("key_name").asString()).isEqualTo("operator");
        assertThat(create.get("tenant").asString()).isEqualTo("default");
        assertThat(create.get("role").asString()).isEqualTo("platform_admin");
        assertThat(create.path("before").isNull() || create.path("before").isMissingNode())
                .isTrue();
        assertThat(create.get("after").get("input_per_1m").decimalValue()).isEqualByComparingTo("3");
        assertThat(replace.get("action").asString()).isEqualTo("replace");
        assertThat(replace.get("before").get("input_per_1m").decimalValue()).isEqualByComparingTo("3");
        assertThat(replace.get("after").get("input_per_1m").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(delete.get("action").asString()).isEqualTo("delete");
        assertThat(delete.get("before").get("input_per_1m").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(delete.path("after").isNull() || delete.path("after").isMissingNode())
                .isTrue();
        assertThat(send("GET", "/v1/prices/audit?limit=0", null, PLATFORM_ADMIN_KEY)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void resolveTellsWhichPriceAppliesAtTheGivenTimeAndWhy() {
        var before = get("/v1/prices/resolve?provider=openai&model=gpt-4o-2024-08-06&at=2024-06-01T00:00:00Z");
        var after = get("/v1/prices/resolve?provider=openai&model=gpt-4o-2024-08-06&at=2025-06-01T00:00:00Z");
        var alias = get("/v1/prices/resolve?provider=azure&model=it-prod-chat&at=2025-06-01T00:00:00Z");
        var bedrock = get("/v1/prices/resolve?provider=bedrock&model=us.anthropic.claude-3-haiku-20240307-v1:0"
                + "&at=2025-06-01T00:00:00Z");
        var unknown = get("/v1/prices/resolve?provider=openai&model=gpt-unknown&at=2025-06-01T00:00:00Z");

        assertThat(before.body().get("price").get("input_per_1m").decimalValue())
                .isEqualByComparingTo("5");
        assertThat(before.body().get("matched_rule").asString()).startsWith("pattern:");
        assertThat(after.body().get("price").get("input_per_1m").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(alias.body().get("matched_rule").asString()).isEqualTo("alias:azure/it-prod-chat->exact");
        assertThat(bedrock.body().get("pricing_status").asString()).isEqualTo("PRICED");
        assertThat(bedrock.body().get("price").get("cached_input_per_1m").decimalValue())
                .isEqualByComparingTo("0.025");
        assertThat(unknown.body().get("pricing_status").asString()).isEqualTo("UNPRICED");
    }

    @Test
    void reloadingTheDefaultCatalogKeepsUserEditsAndDeletions() {
        var nemo = get("/v1/prices?provider=mistral&model=open-mistral-nemo")
                .body()
                .get("prices")
                .get(0);
        var edited = priceBody(
                "open-mistral-nemo", "0.35", nemo.get("effective_from").asString(), null);
        edited.put("provider", "mistral");
        assertThat(send("PUT", "/v1/prices/" + nemo.get("id").asString(), edited, PLATFORM_ADMIN_KEY)
                        .status())
                .isEqualTo(200);
        var grokMini = get("/v1/prices?provider=xai&model=grok-3-mini")
                .body()
                .get("prices")
                .get(0);
        assertThat(send("DELETE", "/v1/prices/" + grokMini.get("id").asString(), null, PLATFORM_ADMIN_KEY)
                        .status())
                .isEqualTo(204);
        // as if a newer default file changed these two rows and one the user left alone
        jdbc.sql("UPDATE default_prices_applied SET checksum = 'older' WHERE default_key IN (:keys)")
                .param(
                        "keys",
                        java.util.List.of(
                                "mistral/open-mistral-nemo/2024-01-01T00:00:00Z",
                                "xai/grok-3-mini/2024-01-01T00:00:00Z",
                                "xai/grok-3/2024-01-01T00:00:00Z"))
                .update();
        jdbc.sql("UPDATE prices SET input_per_1m = 99 WHERE default_key = 'xai/grok-3/2024-01-01T00:00:00Z'")
                .update();

        int changed = defaultCatalog.load();

        assertThat(changed).isEqualTo(1); // only grok-3, which no user edited
        assertThat(get("/v1/prices?provider=mistral&model=open-mistral-nemo")
                        .body()
                        .get("prices")
                        .get(0)
                        .get("input_per_1m")
                        .decimalValue())
                .isEqualByComparingTo("0.35");
        assertThat(get("/v1/prices?provider=xai&model=grok-3-mini").body().get("prices"))
                .isEmpty();
        assertThat(get("/v1/prices?provider=xai&model=grok-3")
                        .body()
                        .get("prices")
                        .get(0)
                        .get("input_per_1m")
                        .decimalValue())
                .isEqualByComparingTo("3");
        assertThat(defaultCatalog.load()).isZero();
    }

    @Test
    void aCatalogChangeReachesThisInstancesLookupTable() {
        String model = uniqueModel();
        send("POST", "/v1/prices", priceBody(model, "3", "2025-01-01T00:00:00Z", null), PLATFORM_ADMIN_KEY);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                get("/v1/prices/resolve?provider=acme&model=" + model + "&at=2025-02-01T00:00:00Z")
                                        .body()
                                        .get("pricing_status")
                                        .asString())
                        .isEqualTo("PRICED"));
    }
}
