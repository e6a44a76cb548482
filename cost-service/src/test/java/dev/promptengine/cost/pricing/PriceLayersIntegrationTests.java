package dev.promptengine.cost.pricing;

import static dev.promptengine.cost.Fixtures.execution;
import static dev.promptengine.cost.Fixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.cost.IntegrationTestBase;
import dev.promptengine.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Price history, "as known at", tenant layers, discounts and the re-pricing offer, on the real stack. */
class PriceLayersIntegrationTests extends IntegrationTestBase {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    static Map<String, Object> price(String provider, String model, String input) {
        var body = new LinkedHashMap<String, Object>();
        body.put("provider", provider);
        body.put("model", model);
        body.put("input_per_1m", input);
        body.put("output_per_1m", "10");
        body.put("effective_from", "2025-01-01T00:00:00Z");
        return body;
    }

    static Map<String, Object> discount(String provider, String model, String percent, String from) {
        var body = new LinkedHashMap<String, Object>();
        body.put("provider", provider);
        body.put("model", model);
        body.put("percent", percent);
        body.put("effective_from", from);
        body.put("source", "contract 2026");
        return body;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    JsonNode resolve(String query, String key) {
        var answer = send("GET", "/v1/prices/resolve?" + query, null, key);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        return answer.body();
    }

    @Test
    void everyChangeIsAVersionWithWhoAndWhyAndADeletedRowKeepsItsHistory() {
        String model = unique("hist");
        var created = send("POST", "/v1/prices", price("acme", model, "3"), PLATFORM_ADMIN_KEY);
        assertThat(created.body().get("version").asInt()).isEqualTo(1);
        String id = created.body().get("id").asString();
        var edit = price("acme", model, "4");
        edit.put("reason", "list price raised");
        var replaced = send("PUT", "/v1/prices/" + id, edit, PLATFORM_ADMIN_KEY);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.body().get("version").asInt()).isEqualTo(2);
        var tooLong = price("acme", model, "5");
        tooLong.put("reason", "x".repeat(501));
        var refused = send("PUT", "/v1/prices/" + id, tooLong, PLATFORM_ADMIN_KEY);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("errors").get(0).get("field").asString()).isEqualTo("reason");
        assertThat(send("DELETE", "/v1/prices/" + id + "?reason=" + "y".repeat(501), null, PLATFORM_ADMIN_KEY)
                        .body()
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("reason");
        // the event carries the version: this instance's table has version 2
        await().atMost(PATIENCE)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                resolve("provider=acme&model=" + model + "&at=2025-06-01T00:00:00Z", PLATFORM_ADMIN_KEY)
                                        .path("price_version")
                                        .asInt())
                        .isEqualTo(2));

        assertThat(send("DELETE", "/v1/prices/" + id + "?reason=retired", null, PLATFORM_ADMIN_KEY)
                        .status())
                .isEqualTo(204);

        var history = get("/v1/prices/" + id + "/history");
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.body().get("price_id").asString()).isEqualTo(id);
        var versions = history.body().get("versions");
        assertThat(versions).hasSize(3);
        assertThat(versions.get(0).get("action").asString()).isEqualTo("create");
        assertThat(versions.get(0).get("version").asInt()).isEqualTo(1);
        assertThat(versions.get(0).get("recorded_by").asString()).isEqualTo("operator");
        assertThat(versions.get(0).get("role").asString()).isEqualTo("platform_admin");
        assertThat(versions.get(0).get("before").isNull()).isTrue();
        assertThat(versions.get(0).get("after").get("input_per_1m").decimalValue())
                .isEqualByComparingTo("3");
        assertThat(versions.get(1).get("action").asString()).isEqualTo("update");
        assertThat(versions.get(1).get("version").asInt()).isEqualTo(2);
        assertThat(versions.get(1).get("reason").asString()).isEqualTo("list price raised");
        assertThat(versions.get(1).get("before").get("input_per_1m").decimalValue())
                .isEqualByComparingTo("3");
        assertThat(versions.get(1).get("after").get("input_per_1m").decimalValue())
                .isEqualByComparingTo("4");
        assertThat(versions.get(2).get("action").asString()).isEqualTo("delete");
        assertThat(versions.get(2).get("version").asInt()).isEqualTo(3);
        assertThat(versions.get(2).get("reason").asString()).isEqualTo("retired");
        assertThat(versions.get(2).get("before").get("input_per_1m").decimalValue())
                .isEqualByComparingTo("4");
        assertThat(versions.get(2).get("after").isNull()).isTrue();
        assertThat(get("/v1/prices/" + UUID.randomUUID() + "/history").status()).isEqualTo(404);
        // the default catalog has a version-1 history of its own
        var gpt4o = get("/v1/prices?provider=openai&model=gpt-4o")
                .body()
                .get("prices")
                .get(0);
        var seeded = get("/v1/prices/" + gpt4o.get("id").asString() + "/history")
                .body()
                .get("versions");
        assertThat(seeded.get(0).get("version").asInt()).isEqualTo(1);
        assertThat(seeded.get(0).get("recorded_by").asString()).isEqualTo("default-catalog");
    }

    @Test
    void resolvesAsTheCatalogWasRecordedAtKnownAt() throws Exception {
        String model = unique("known");
        String query = "provider=acme&model=" + model + "&at=2025-06-01T00:00:00Z";
        Instant beforeCreate = Instant.now();
        Thread.sleep(5); // recorded_at has microseconds; keep the instants apart
        String id = send("POST", "/v1/prices", price("acme", model, "3"), PLATFORM_ADMIN_KEY)
                .body()
                .get("id")
                .asString();
        Thread.sleep(5);
        Instant afterCreate = Instant.now();
        Thread.sleep(5);
        send("PUT", "/v1/prices/" + id, price("acme", model, "4"), PLATFORM_ADMIN_KEY);
        Thread.sleep(5);
        Instant afterUpdate = Instant.now();
        Thread.sleep(5);
        send("DELETE", "/v1/prices/" + id, null, PLATFORM_ADMIN_KEY);

        assertThat(resolve(query + "&known_at=" + beforeCreate, PLATFORM_ADMIN_KEY)
                        .get("pricing_status")
                        .asString())
                .isEqualTo("UNPRICED");
        var first = resolve(query + "&known_at=" + afterCreate, PLATFORM_ADMIN_KEY);
        assertThat(first.get("pricing_status").asString()).isEqualTo("PRICED");
        assertThat(first.get("price_version").asInt()).isEqualTo(1);
        assertThat(first.get("price").get("input_per_1m").decimalValue()).isEqualByComparingTo("3");
        assertThat(first.get("known_at").asString()).isEqualTo(afterCreate.toString());
        var second = resolve(query + "&known_at=" + afterUpdate, PLATFORM_ADMIN_KEY);
        assertThat(second.get("price_version").asInt()).isEqualTo(2);
        assertThat(second.get("price").get("input_per_1m").decimalValue()).isEqualByComparingTo("4");
        assertThat(resolve(query + "&known_at=" + Instant.now(), PLATFORM_ADMIN_KEY)
                        .get("pricing_status")
                        .asString())
                .isEqualTo("UNPRICED");
        // the default catalog as the migration found it is known from its history too
        assertThat(resolve(
                                "provider=openai&model=gpt-4o&at=2025-06-01T00:00:00Z&known_at=" + Instant.now(),
                                PLATFORM_ADMIN_KEY)
                        .get("matched_rule")
                        .asString())
                .isEqualTo("exact");
    }

    @Test
    void knownAtAppliesTheDiscountsAsTheyWereRecordedThen() throws Exception {
        String provider = unique("kd");
        String query = "provider=" + provider + "&model=m&at=2025-06-01T00:00:00Z&known_at=";
        send("POST", "/v1/prices", price(provider, "m", "3"), PLATFORM_ADMIN_KEY);
        Thread.sleep(5);
        Instant beforeDiscount = Instant.now();
        Thread.sleep(5);
        var created = send(
                "POST",
                "/v1/prices/discounts",
                discount(provider, null, "10", "2025-01-01T00:00:00Z"),
                TENANT_ADMIN_KEY);
        String id = created.body().get("id").asString();
        Thread.sleep(5);
        Instant atTen = Instant.now();
        Thread.sleep(5);
        send(
                "PUT",
                "/v1/prices/discounts/" + id,
                discount(provider, null, "20", "2025-01-01T00:00:00Z"),
                TENANT_ADMIN_KEY);
        Thread.sleep(5);
        Instant atTwenty = Instant.now();
        Thread.sleep(5);
        send("DELETE", "/v1/prices/discounts/" + id, null, TENANT_ADMIN_KEY);

        assertThat(resolve(query + beforeDiscount, TENANT_ADMIN_KEY).has("discount"))
                .isFalse();
        assertThat(resolve(query + atTen, TENANT_ADMIN_KEY)
                        .get("discount")
                        .get("percent")
                        .decimalValue())
                .isEqualByComparingTo("10");
        assertThat(resolve(query + atTwenty, TENANT_ADMIN_KEY)
                        .get("discount")
                        .get("percent")
                        .decimalValue())
                .isEqualByComparingTo("20");
        assertThat(resolve(query + Instant.now(), TENANT_ADMIN_KEY).has("discount"))
                .isFalse();
    }

    @Test
    void aTenantsOwnRowWinsForThatTenantOnlyAndOnlyItsAdminOrThePlatformAdminChangesIt() {
        String model = unique("layer");
        String query = "provider=acme&model=" + model + "&at=2025-06-01T00:00:00Z";
        var defaultRow = send("POST", "/v1/prices", price("acme", model, "3"), PLATFORM_ADMIN_KEY);
        assertThat(defaultRow.body().get("layer").asString()).isEqualTo("default");
        assertThat(defaultRow.body().get("tenant").isNull()).isTrue();
        var own = send("POST", "/v1/prices", price("acme", model, "2"), TENANT_ADMIN_KEY);
        assertThat(own.status()).isEqualTo(201);
        assertThat(own.body().get("tenant").asString()).isEqualTo("acme");
        assertThat(own.body().get("layer").asString()).isEqualTo("tenant");
        var overlapping = send("POST", "/v1/prices", price("acme", model, "2.5"), TENANT_ADMIN_KEY);
        assertThat(overlapping.status()).isEqualTo(409);
        var globexRow = price("acme", model, "1");
        globexRow.put("tenant", "globex");
        var globex = send("POST", "/v1/prices", globexRow, PLATFORM_ADMIN_KEY);
        assertThat(globex.status()).isEqualTo(201);

        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            var forAcme = resolve(query, TENANT_ADMIN_KEY);
            assertThat(forAcme.get("layer").asString()).isEqualTo("tenant");
            assertThat(forAcme.get("tenant").asString()).isEqualTo("acme");
            assertThat(forAcme.get("price").get("input_per_1m").decimalValue()).isEqualByComparingTo("2");
            assertThat(forAcme.get("layers_considered").toString())
                    .isEqualTo("[{\"layer\":\"tenant\",\"matched_rule\":\"exact\"}]");
            var forGlobex = resolve(query + "&tenant=globex", PLATFORM_ADMIN_KEY);
            assertThat(forGlobex.get("price").get("input_per_1m").decimalValue())
                    .isEqualByComparingTo("1");
            var forInitech = resolve(query + "&tenant=initech", PLATFORM_ADMIN_KEY);
            assertThat(forInitech.get("layer").asString()).isEqualTo("default");
            assertThat(forInitech.get("price").get("input_per_1m").decimalValue())
                    .isEqualByComparingTo("3");
            assertThat(forInitech.get("layers_considered").toString())
                    .isEqualTo("[{\"layer\":\"tenant\",\"result\":\"no row\"},"
                            + "{\"layer\":\"default\",\"matched_rule\":\"exact\"}]");
        });
        assertThat(send("GET", "/v1/prices/resolve?" + query + "&tenant=globex", null, TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(403);

        // the tenant admin sees the default row and its own, never globex's
        var listed = send("GET", "/v1/prices?provider=acme&model=" + model, null, TENANT_ADMIN_KEY)
                .body()
                .get("prices");
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("layer").asString()).isEqualTo("default");
        assertThat(listed.get(1).get("tenant").asString()).isEqualTo("acme");
        String globexId = globex.body().get("id").asString();
        assertThat(send("GET", "/v1/prices/" + globexId, null, TENANT_ADMIN_KEY).status())
                .isEqualTo(404);
        assertThat(send("PUT", "/v1/prices/" + globexId, price("acme", model, "9"), TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(404);
        assertThat(send("GET", "/v1/prices/" + globexId + "/history", null, TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(404);
        assertThat(get("/v1/prices?provider=acme&model=" + model + "&tenant=globex")
                        .body()
                        .get("prices"))
                .hasSize(2);
        assertThat(get("/v1/prices?provider=acme&model=" + model).body().get("prices"))
                .hasSize(3);

        // its own row it replaces and deletes; the default row it cannot
        String ownId = own.body().get("id").asString();
        var replaced = send("PUT", "/v1/prices/" + ownId, price("acme", model, "1.5"), TENANT_ADMIN_KEY);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.body().get("version").asInt()).isEqualTo(2);
        assertThat(replaced.body().get("tenant").asString()).isEqualTo("acme");
        assertThat(send(
                                "PUT",
                                "/v1/prices/" + defaultRow.body().get("id").asString(),
                                price("acme", model, "0.1"),
                                TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(403);
        var audit = get("/v1/prices/audit?price_id=" + ownId).body().get("entries");
        assertThat(audit.get(0).get("key_name").asString()).isEqualTo("acme-admin");
        assertThat(audit.get(0).get("tenant").asString()).isEqualTo("acme");
        assertThat(send("DELETE", "/v1/prices/" + ownId, null, TENANT_ADMIN_KEY).status())
                .isEqualTo(204);
    }

    @Test
    void aTenantDiscountAppliesToItsDefaultPricesFromItsStartOnlyAndNeverToAnotherTenant() {
        String claude = "provider=anthropic&model=claude-3-haiku-20240307";
        var body = discount("anthropic", null, "22", "2026-03-01T00:00:00Z");
        body.put("reason", "negotiated");
        var created = send("POST", "/v1/prices/discounts", body, TENANT_ADMIN_KEY);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String id = created.body().get("id").asString();
        assertThat(created.body().get("tenant").asString()).isEqualTo("acme");
        assertThat(created.body().get("version").asInt()).isEqualTo(1);
        try {
            var overlapping = send(
                    "POST",
                    "/v1/prices/discounts",
                    discount("anthropic", null, "10", "2026-06-01T00:00:00Z"),
                    TENANT_ADMIN_KEY);
            assertThat(overlapping.status()).isEqualTo(409);
            assertThat(overlapping.body().get("type").asString()).endsWith("/discount-overlap");
            assertThat(send(
                                    "POST",
                                    "/v1/prices/discounts",
                                    discount("anthropic", null, "0", "2020-01-01T00:00:00Z"),
                                    TENANT_ADMIN_KEY)
                            .body()
                            .get("errors")
                            .get(0)
                            .get("field")
                            .asString())
                    .isEqualTo("percent");
            assertThat(send(
                                    "POST",
                                    "/v1/prices/discounts",
                                    discount("anthropic", null, "100.5", "2020-01-01T00:00:00Z"),
                                    TENANT_ADMIN_KEY)
                            .status())
                    .isEqualTo(400);
            var forGlobex = discount("anthropic", null, "50", "2020-01-01T00:00:00Z");
            forGlobex.put("tenant", "globex");
            assertThat(send("POST", "/v1/prices/discounts", forGlobex, TENANT_ADMIN_KEY)
                            .status())
                    .isEqualTo(403);
            assertThat(send("POST", "/v1/prices/discounts", forGlobex, ANALYST_KEY)
                            .status())
                    .isEqualTo(403);
            assertThat(send("GET", "/v1/prices/discounts/" + id, null, TENANT_ADMIN_KEY)
                            .body()
                            .get("percent")
                            .decimalValue())
                    .isEqualByComparingTo("22");
            assertThat(send("GET", "/v1/prices/discounts", null, TENANT_ADMIN_KEY)
                            .body()
                            .get("discounts")
                            .toString())
                    .contains(id);

            await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
                var after = resolve(claude + "&at=2026-03-01T00:00:00Z", TENANT_ADMIN_KEY);
                assertThat(after.get("layer").asString()).isEqualTo("default");
                assertThat(after.get("discount").get("id").asString()).isEqualTo(id);
                assertThat(after.get("discount").get("percent").decimalValue()).isEqualByComparingTo("22");
            });
            assertThat(resolve(claude + "&at=2026-02-28T23:59:59Z", TENANT_ADMIN_KEY)
                            .has("discount"))
                    .isFalse();
            assertThat(resolve(claude + "&at=2026-03-02T00:00:00Z&tenant=globex", PLATFORM_ADMIN_KEY)
                            .has("discount"))
                    .isFalse();

            var audit = get("/v1/prices/audit?discount_id=" + id).body().get("entries");
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).get("action").asString()).isEqualTo("create");
            assertThat(audit.get(0).get("reason").asString()).isEqualTo("negotiated");
            assertThat(audit.get(0).get("after").get("percent").decimalValue()).isEqualByComparingTo("22");
        } finally {
            assertThat(send("DELETE", "/v1/prices/discounts/" + id, null, TENANT_ADMIN_KEY)
                            .status())
                    .isEqualTo(204);
        }
        await().atMost(PATIENCE)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(resolve(claude + "&at=2026-03-02T00:00:00Z", TENANT_ADMIN_KEY)
                                .has("discount"))
                        .isFalse());
    }

    @Test
    void aNewPriceForAModelSeenWithoutOneOffersTheRepricingOfItsExecutions() {
        String model = unique("unpriced");
        var first = execution("offer", model, Instant.parse("2025-02-01T00:00:00Z"), 10, 10);
        var last = execution("offer", model, Instant.parse("2025-03-01T12:00:00Z"), 10, 10);
        produce(Topics.EXECUTION.name(), List.of(first, last));
        await().atMost(PATIENCE)
                .ignoreExceptions()
                .untilAsserted(() ->
                        assertThat(get("/v1/prices/unpriced").body().toString()).contains(model));

        var created = send("POST", "/v1/prices", price("offer", model, "1"), PLATFORM_ADMIN_KEY);
        var unrelated = send("POST", "/v1/prices", price("offer", unique("other"), "1"), PLATFORM_ADMIN_KEY);

        assertThat(created.status()).isEqualTo(201);
        var offer = created.body().get("unpriced");
        assertThat(offer.get("executions").asLong()).isEqualTo(2);
        assertThat(offer.get("first_seen").asString()).isEqualTo("2025-02-01T00:00:00Z");
        assertThat(offer.get("last_seen").asString()).isEqualTo("2025-03-01T12:00:00Z");
        var reprice = offer.get("reprice");
        assertThat(reprice.get("service").asString()).isEqualTo("analytics-service");
        assertThat(reprice.get("method").asString()).isEqualTo("POST");
        assertThat(reprice.get("path").asString()).isEqualTo("/v1/repricing");
        assertThat(reprice.get("body").toString())
                .isEqualTo("{\"from\":\"2025-02-01T00:00:00Z\",\"to\":\"2025-03-01T12:00:00.001Z\","
                        + "\"provider\":\"offer\",\"model\":\"" + model
                        + "\",\"only_unpriced\":true,\"dry_run\":true}");
        assertThat(unrelated.body().has("unpriced")).isFalse();
    }
}
