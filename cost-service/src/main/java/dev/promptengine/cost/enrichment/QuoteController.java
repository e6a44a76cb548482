package dev.promptengine.cost.enrichment;

import dev.promptengine.cost.pricing.ForbiddenFieldException;
import dev.promptengine.cost.pricing.PriceTable;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/prices/quote}: what the enrichment would cost each execution now, by the same
 * code ({@link ExecutionPricer#cost}) against this instance's table. analytics-service's re-pricing
 * calls it. A tenant admin quotes its own tenant's executions only; a platform admin any tenant's.
 */
@RestController
@RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
@Tag(name = "quote", description = "Price executions exactly as the enrichment would")
class QuoteController {

    static final int MAX_EXECUTIONS = 10_000;
    private static final int MAX_TENANT = 64;

    private final ExecutionPricer pricer;
    private final PriceTable table;

    QuoteController(ExecutionPricer pricer, PriceTable table) {
        this.pricer = pricer;
        this.table = table;
    }

    @PostMapping("/v1/prices/quote")
    @Operation(
            summary = "Cost up to 10,000 executions as the enrichment would, in request order",
            description = "Money as exact decimal strings at the event scale (18 digits); catalog_as_of is when"
                    + " this instance applied the last pricing change it has read.")
    Map<String, Object> quote(Caller caller, @RequestBody JsonNode body) {
        var items = body == null ? null : body.get("executions");
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > MAX_EXECUTIONS) {
            throw new InvalidQuoteException(
                    "executions",
                    "must be an array of 1.." + MAX_EXECUTIONS + " executions, was "
                            + (items == null || !items.isArray() ? "absent" : items.size() + " items"));
        }
        var executions = new ArrayList<Item>(items.size());
        for (int i = 0; i < items.size(); i++) {
            executions.add(item(items.get(i), "executions[" + i + "]", caller));
        }
        var costs = new ArrayList<Map<String, Object>>(executions.size());
        for (int i = 0; i < executions.size(); i++) {
            var item = executions.get(i);
            try {
                costs.add(answer(item.id(), pricer.cost(item.execution())));
            } catch (ArithmeticException e) {
                // the enrichment dead-letters such an execution; never rounded
                throw new InvalidQuoteException(
                        "executions[" + i + "]",
                        "cannot be costed exactly within " + dev.promptengine.schemas.Money.SCALE
                                + " fractional digits (price × discount)");
            }
        }
        var answer = new LinkedHashMap<String, Object>();
        answer.put("costs", costs);
        answer.put("catalog_as_of", table.catalogAsOf());
        return answer;
    }

    private record Item(UUID id, ExecutionPricer.Execution execution) {}

    private static Item item(JsonNode node, String path, Caller caller) {
        if (node == null || !node.isObject()) {
            throw new InvalidQuoteException(path, "must be an object");
        }
        UUID id;
        try {
            id = UUID.fromString(text(node, path, "id"));
        } catch (IllegalArgumentException e) {
            throw new InvalidQuoteException(path + ".id", "is not a UUID");
        }
        String tenant = text(node, path, "tenant");
        if (tenant.length() > MAX_TENANT) {
            throw new InvalidQuoteException(path + ".tenant", "must be at most " + MAX_TENANT + " characters");
        }
        if (caller.role() != Role.PLATFORM_ADMIN && !tenant.equals(caller.tenant())) {
            throw new ForbiddenFieldException(
                    path + ".tenant",
                    "a tenant admin quotes only its own tenant's executions (" + caller.tenant() + ")");
        }
        Instant occurredAt;
        try {
            occurredAt = OffsetDateTime.parse(text(node, path, "occurred_at")).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidQuoteException(path + ".occurred_at", "is not an ISO-8601 date-time");
        }
        TokenCounts tokens;
        try {
            tokens = new TokenCounts(
                    count(node, path, "input_tokens", true),
                    count(node, path, "cached_input_tokens", false),
                    count(node, path, "cache_write_tokens", false),
                    count(node, path, "output_tokens", true),
                    count(node, path, "reasoning_tokens", false));
        } catch (TokenCounts.InvalidTokenCountsException e) {
            throw new InvalidQuoteException(path, e.getMessage());
        }
        return new Item(
                id,
                new ExecutionPricer.Execution(
                        tenant,
                        text(node, path, "provider"),
                        text(node, path, "model"),
                        occurredAt,
                        tokens,
                        providerCost(node, path)));
    }

    private static String text(JsonNode node, String path, String field) {
        var value = node.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new InvalidQuoteException(path + "." + field, "is required (a non-empty string)");
        }
        return value.asString();
    }

    private static long count(JsonNode node, String path, String field, boolean required) {
        var value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidQuoteException(path + "." + field, "is required");
            }
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new InvalidQuoteException(path + "." + field, "must be a whole number >= 0");
        }
        return value.asLong();
    }

    private static BigDecimal providerCost(JsonNode node, String path) {
        var value = node.get("provider_cost");
        if (value == null || value.isNull()) {
            return null;
        }
        String field = path + ".provider_cost";
        if (!value.isString()) {
            throw new InvalidQuoteException(field, "must be a decimal string (exact) or null");
        }
        BigDecimal cost;
        try {
            cost = new BigDecimal(value.asString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidQuoteException(field, "is not a decimal number");
        }
        if (cost.signum() < 0 || cost.stripTrailingZeros().scale() > dev.promptengine.schemas.Money.SCALE) {
            throw new InvalidQuoteException(
                    field, "must be >= 0 with at most " + dev.promptengine.schemas.Money.SCALE + " fractional digits");
        }
        return cost;
    }

    private static Map<String, Object> answer(UUID id, ExecutionCost cost) {
        var answer = new LinkedHashMap<String, Object>();
        answer.put("id", id);
        answer.put("pricing_status", cost.getPricingStatus().name());
        answer.put("price_id", cost.getPriceId());
        answer.put("price_version", cost.getPriceVersion());
        answer.put("price_layer", cost.getPriceLayer());
        answer.put("matched_rule", cost.getMatchedRule());
        answer.put("discount_id", cost.getDiscountId());
        answer.put("discount_percent", money(cost.getDiscountPercent()));
        answer.put("cost_source", cost.getCostSource().name());
        answer.put("input_cost", money(cost.getInputCost()));
        answer.put("cached_input_cost", money(cost.getCachedInputCost()));
        answer.put("cache_write_cost", money(cost.getCacheWriteCost()));
        answer.put("output_cost", money(cost.getOutputCost()));
        answer.put("reasoning_cost", money(cost.getReasoningCost()));
        answer.put("total_cost", money(cost.getTotalCost()));
        answer.put("catalog_cost", money(cost.getCatalogCost()));
        answer.put("provider_cost", money(cost.getProviderCost()));
        answer.put("long_context_applied", cost.getLongContextApplied());
        return answer;
    }

    /** Exact, at the event scale, as a string (JSON numbers lose digits in many clients). */
    private static String money(BigDecimal amount) {
        return amount == null
                ? null
                : dev.promptengine.schemas.Money.toEventScale(amount).toPlainString();
    }

    /** A quote request that names the wrong field. */
    static final class InvalidQuoteException extends RuntimeException {
        private final String field;

        InvalidQuoteException(String field, String message) {
            super(message);
            this.field = field;
        }

        String field() {
            return field;
        }
    }
}
