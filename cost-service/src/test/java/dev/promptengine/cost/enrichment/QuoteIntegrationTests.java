package dev.promptengine.cost.enrichment;

import static dev.promptengine.cost.Fixtures.costed;
import static dev.promptengine.cost.Fixtures.execution;
import static dev.promptengine.cost.Fixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.cost.IntegrationTestBase;
import dev.promptengine.events.CostSource;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.Topics;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The v2 cost fields (layer, version, discount, reported cost) on the costed topic, and
 * {@code POST /v1/prices/quote} giving exactly what the enrichment gave for the same executions.
 */
class QuoteIntegrationTests extends IntegrationTestBase {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    String provider;
    String model;

    /** A default row (3 / 15 / cached 0.5 per 1M) of a provider of its own, and 22 % off it for acme. */
    void priceAndDiscount() {
        provider = "quote-" + UUID.randomUUID().toString().substring(0, 8);
        model = "q-model";
        var price = new LinkedHashMap<String, Object>();
        price.put("provider", provider);
        price.put("model", model);
        price.put("input_per_1m", "3");
        price.put("output_per_1m", "15");
        price.put("cached_input_per_1m", "0.5");
        price.put("effective_from", "2025-01-01T00:00:00Z");
        assertThat(send("POST", "/v1/prices", price, PLATFORM_ADMIN_KEY).status())
                .isEqualTo(201);
        var discount = new LinkedHashMap<String, Object>();
        discount.put("provider", provider);
        discount.put("percent", "22");
        discount.put("effective_from", "2025-01-01T00:00:00Z");
        assertThat(send("POST", "/v1/prices/discounts", discount, TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(201);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(send(
                                        "GET",
                                        "/v1/prices/resolve?provider=" + provider + "&model=" + model
                                                + "&at=2025-06-01T00:00:00Z",
                                        null,
                                        TENANT_ADMIN_KEY)
                                .body()
                                .has("discount"))
                        .isTrue());
    }

    LlmExecution executionOf(String tenant, String model, String providerCost) {
        var execution = execution(provider, model, Instant.parse("2025-06-01T00:00:00Z"), 1_000, 500);
        execution.setTenant(tenant);
        execution.setCachedInputTokens(200);
        execution.setProviderCost(providerCost == null ? null : new BigDecimal(providerCost));
        return execution;
    }

    static Map<String, Object> quoteItem(LlmExecution execution) {
        var item = new LinkedHashMap<String, Object>();
        item.put("id", execution.getId().toString());
        item.put("tenant", execution.getTenant());
        item.put("provider", execution.getProvider());
        item.put("model", execution.getModel());
        item.put("occurred_at", execution.getOccurredAt().toString());
        item.put("input_tokens", execution.getInputTokens());
        item.put("output_tokens", execution.getOutputTokens());
        item.put("cached_input_tokens", execution.getCachedInputTokens());
        item.put("cache_write_tokens", execution.getCacheWriteTokens());
        item.put("reasoning_tokens", execution.getReasoningTokens());
        item.put(
                "provider_cost",
                execution.getProviderCost() == null
                        ? null
                        : execution.getProviderCost().toPlainString());
        return item;
    }

    /** The quote's fields as the costed event has them. */
    static Map<String, String> expected(UUID id, ExecutionCost cost) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("id", id.toString());
        fields.put("pricing_status", cost.getPricingStatus().name());
        fields.put(
                "price_id", cost.getPriceId() == null ? null : cost.getPriceId().toString());
        fields.put(
                "price_version",
                cost.getPriceVersion() == null ? null : cost.getPriceVersion().toString());
        fields.put("price_layer", cost.getPriceLayer());
        fields.put("matched_rule", cost.getMatchedRule());
        fields.put(
                "discount_id",
                cost.getDiscountId() == null ? null : cost.getDiscountId().toString());
        fields.put("discount_percent", plain(cost.getDiscountPercent()));
        fields.put("cost_source", cost.getCostSource().name());
        fields.put("input_cost", plain(cost.getInputCost()));
        fields.put("cached_input_cost", plain(cost.getCachedInputCost()));
        fields.put("cache_write_cost", plain(cost.getCacheWriteCost()));
        fields.put("output_cost", plain(cost.getOutputCost()));
        fields.put("reasoning_cost", plain(cost.getReasoningCost()));
        fields.put("total_cost", plain(cost.getTotalCost()));
        fields.put("catalog_cost", plain(cost.getCatalogCost()));
        fields.put("provider_cost", plain(cost.getProviderCost()));
        fields.put("long_context_applied", String.valueOf(cost.getLongContextApplied()));
        return fields;
    }

    static Map<String, String> fields(JsonNode quoted) {
        var fields = new LinkedHashMap<String, String>();
        quoted.properties()
                .forEach(entry -> fields.put(
                        entry.getKey(),
                        entry.getValue().isNull() ? null : entry.getValue().asString()));
        return fields;
    }

    private static String plain(BigDecimal amount) {
        return amount == null ? null : amount.toPlainString();
    }

    @Test
    void costsWithLayerVersionDiscountAndReportedCostAndTheQuoteGivesExactlyTheSame() {
        priceAndDiscount();
        var discounted = executionOf("acme", model, null);
        var reported = executionOf("default", model, "0.0123");
        var catalogFirst = executionOf("catalog-first", model, "0.0123");
        var unknownReported = executionOf("default", "no-such-model", "0.5");
        var unknown = executionOf("default", "no-such-model", null);
        var all = List.of(discounted, reported, catalogFirst, unknownReported, unknown);

        produce(Topics.EXECUTION.name(), all);

        var ids = all.stream().map(LlmExecution::getId).toList();
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(costed(Topics.EXECUTION_COSTED.name(), ids::contains))
                        .hasSize(5));
        var output = costed(Topics.EXECUTION_COSTED.name(), ids::contains);

        // 800 x 3 + 200 x 0.5 + 500 x 15 per 1M = 0.01; acme pays 22 % less, exactly
        var acme = output.get(discounted.getId()).get(0).getCost();
        assertThat(acme.getPricingStatus()).isEqualTo(PricingStatus.PRICED);
        assertThat(acme.getCostSource()).isEqualTo(CostSource.CATALOG);
        assertThat(acme.getTotalCost().toPlainString()).isEqualTo("0.007800000000000000");
        assertThat(acme.getInputCost()).isEqualByComparingTo("0.001872");
        assertThat(acme.getCatalogCost()).isEqualByComparingTo("0.0078");
        assertThat(acme.getDiscountPercent()).isEqualByComparingTo("22");
        assertThat(acme.getDiscountId()).isNotNull();
        assertThat(acme.getPriceLayer()).isEqualTo("default");
        assertThat(acme.getPriceVersion()).isEqualTo(1);
        assertThat(acme.getRevision()).isZero();
        // the provider's cost wins by default: its total, no parts, the catalog's total kept beside it
        var provider = output.get(reported.getId()).get(0).getCost();
        assertThat(provider.getCostSource()).isEqualTo(CostSource.PROVIDER);
        assertThat(provider.getTotalCost()).isEqualByComparingTo("0.0123");
        assertThat(provider.getInputCost()).isNull();
        assertThat(provider.getOutputCost()).isNull();
        assertThat(provider.getCatalogCost()).isEqualByComparingTo("0.01");
        assertThat(provider.getProviderCost()).isEqualByComparingTo("0.0123");
        assertThat(provider.getPriceId()).isEqualTo(acme.getPriceId());
        assertThat(provider.getDiscountId()).isNull();
        // a tenant configured prefer-catalog keeps the catalog's cost
        var catalog = output.get(catalogFirst.getId()).get(0).getCost();
        assertThat(catalog.getCostSource()).isEqualTo(CostSource.CATALOG);
        assertThat(catalog.getTotalCost()).isEqualByComparingTo("0.01");
        assertThat(catalog.getProviderCost()).isEqualByComparingTo("0.0123");
        // an unknown model with a reported cost is priced by it; without one it stays UNPRICED
        var byProvider = output.get(unknownReported.getId()).get(0).getCost();
        assertThat(byProvider.getPricingStatus()).isEqualTo(PricingStatus.PRICED);
        assertThat(byProvider.getCostSource()).isEqualTo(CostSource.PROVIDER);
        assertThat(byProvider.getTotalCost()).isEqualByComparingTo("0.5");
        assertThat(byProvider.getPriceId()).isNull();
        assertThat(byProvider.getCatalogCost()).isNull();
        var none = output.get(unknown.getId()).get(0).getCost();
        assertThat(none.getPricingStatus()).isEqualTo(PricingStatus.UNPRICED);
        assertThat(none.getCostSource()).isEqualTo(CostSource.UNKNOWN);
        assertThat(none.getTotalCost()).isNull();

        var items = new ArrayList<Map<String, Object>>();
        all.forEach(execution -> items.add(quoteItem(execution)));
        var quote = send("POST", "/v1/prices/quote", Map.of("executions", items), PLATFORM_ADMIN_KEY);

        assertThat(quote.status()).as(quote.body().toString()).isEqualTo(200);
        assertThat(quote.body().get("catalog_as_of").asString()).isNotBlank();
        var costs = quote.body().get("costs");
        assertThat(costs).hasSize(5);
        for (int i = 0; i < all.size(); i++) {
            var execution = all.get(i);
            assertThat(fields(costs.get(i)))
                    .as("quote of execution %d", i)
                    .isEqualTo(expected(
                            execution.getId(),
                            output.get(execution.getId()).get(0).getCost()));
        }
        assertThat(costs.get(0).get("total_cost").asString()).isEqualTo("0.007800000000000000");
        assertThat(costs.get(1).get("input_cost").isNull()).isTrue();
    }

    @Test
    void theQuoteNamesTheWrongFieldAndKeepsATenantAdminToItsTenant() {
        provider = "quote-v";
        var item = quoteItem(executionOf("acme", "m", null));

        var empty = send("POST", "/v1/prices/quote", Map.of("executions", List.of()), PLATFORM_ADMIN_KEY);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body().get("errors").get(0).get("field").asString()).isEqualTo("executions");
        assertThat(empty.body().get("detail").asString()).contains("10000");
        var tooMany = new ArrayList<Object>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(item);
        }
        var refused = send("POST", "/v1/prices/quote", Map.of("executions", tooMany), PLATFORM_ADMIN_KEY);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("detail").asString()).contains("1..10000").contains("10001");
        var badTime = new LinkedHashMap<>(item);
        badTime.put("occurred_at", "yesterday");
        var badCost = new LinkedHashMap<>(item);
        badCost.put("provider_cost", "-1");
        var answer = send(
                "POST",
                "/v1/prices/quote",
                Map.of("executions", List.of(item, item, item, badTime)),
                PLATFORM_ADMIN_KEY);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().get("errors").get(0).get("field").asString()).isEqualTo("executions[3].occurred_at");
        assertThat(send("POST", "/v1/prices/quote", Map.of("executions", List.of(badCost)), PLATFORM_ADMIN_KEY)
                        .body()
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("executions[0].provider_cost");

        assertThat(send("POST", "/v1/prices/quote", Map.of("executions", List.of(item)), TENANT_ADMIN_KEY)
                        .status())
                .isEqualTo(200);
        var other = new LinkedHashMap<>(item);
        other.put("tenant", "globex");
        var forbidden = send("POST", "/v1/prices/quote", Map.of("executions", List.of(item, other)), TENANT_ADMIN_KEY);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body().get("errors").get(0).get("field").asString())
                .isEqualTo("executions[1].tenant");
        assertThat(send("POST", "/v1/prices/quote", Map.of("executions", List.of(other)), PLATFORM_ADMIN_KEY)
                        .status())
                .isEqualTo(200);
        assertThat(send("POST", "/v1/prices/quote", Map.of("executions", List.of(item)), ANALYST_KEY)
                        .status())
                .isEqualTo(403);
        assertThat(send("POST", "/v1/prices/quote", Map.of("executions", List.of(item)), null)
                        .status())
                .isEqualTo(401);
    }
}
