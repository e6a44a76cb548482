package dev.promptengine.cost.enrichment;

import dev.promptengine.cost.pricing.LayeredPrice;
import dev.promptengine.cost.pricing.PriceTable;
import dev.promptengine.events.CostSource;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.Money;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Prices one execution at its event time ({@code occurred_at}) from the in-memory table: the
 * enrichment and {@code POST /v1/prices/quote} both call {@link #cost}, so a quote is what the
 * enrichment would give.
 *
 * <ul>
 *   <li>the catalog: the tenant's own rows, then the default catalog less the tenant's discount;
 *   <li>the provider's reported cost wins when there is one, unless the tenant prefers the catalog
 *       ({@link ReportedCostProperties}); without a catalog row it always wins (never a silent $0).
 *       When it wins, the total is the provider's and the five amounts are null (it reports a total
 *       only); the price fields still name the catalog row that matched, and catalog_cost its total.
 * </ul>
 */
@Component
class ExecutionPricer {

    /** What pricing needs to know of one execution. */
    record Execution(
            String tenant,
            String provider,
            String model,
            Instant occurredAt,
            TokenCounts tokens,
            BigDecimal providerCost) {}

    private final PriceTable table;
    private final ReportedCostProperties reportedCost;
    private final Clock clock;

    ExecutionPricer(PriceTable table, ReportedCostProperties reportedCost, Clock clock) {
        this.table = table;
        this.reportedCost = reportedCost;
        this.clock = clock;
    }

    CostedLlmExecution price(LlmExecution execution) {
        var tokens = new TokenCounts(
                execution.getInputTokens(),
                execution.getCachedInputTokens(),
                execution.getCacheWriteTokens(),
                execution.getOutputTokens(),
                execution.getReasoningTokens());
        var cost = cost(new Execution(
                execution.getTenant(),
                execution.getProvider(),
                execution.getModel(),
                execution.getOccurredAt(),
                tokens,
                execution.getProviderCost()));
        return CostedLlmExecution.newBuilder()
                .setExecution(execution)
                .setCost(cost)
                .build();
    }

    ExecutionCost cost(Execution execution) {
        var cost = ExecutionCost.newBuilder()
                .setPricedAt(clock.instant())
                .setProviderCost(Money.toEventScale(execution.providerCost()))
                .setRevision(0);
        LayeredPrice found =
                table.resolve(execution.tenant(), execution.provider(), execution.model(), execution.occurredAt());
        Cost amounts = null;
        if (found.priced()) {
            var price = found.resolution().price();
            amounts = CostCalculator.cost(price, execution.tokens());
            if (found.discount() != null) {
                amounts = discounted(amounts, found.discount());
                cost.setDiscountId(found.discount().id())
                        .setDiscountPercent(Money.toEventScale(found.discount().percent()));
            }
            cost.setPriceId(price.id())
                    .setPriceVersion(price.version())
                    .setPriceLayer(found.layer())
                    .setMatchedRule(found.resolution().matchedRule())
                    .setCatalogCost(Money.toEventScale(amounts.total()))
                    .setLongContextApplied(amounts.longContextApplied());
        }
        boolean providerWins = execution.providerCost() != null
                && (amounts == null
                        || reportedCost.policyFor(execution.tenant()) == ReportedCostProperties.Policy.PREFER_PROVIDER);
        if (providerWins) {
            cost.setPricingStatus(PricingStatus.PRICED)
                    .setCostSource(CostSource.PROVIDER)
                    .setTotalCost(Money.toEventScale(execution.providerCost()));
        } else if (amounts != null) {
            cost.setPricingStatus(PricingStatus.PRICED)
                    .setCostSource(CostSource.CATALOG)
                    .setInputCost(Money.toEventScale(amounts.input()))
                    .setCachedInputCost(Money.toEventScale(amounts.cachedInput()))
                    .setCacheWriteCost(Money.toEventScale(amounts.cacheWrite()))
                    .setOutputCost(Money.toEventScale(amounts.output()))
                    .setReasoningCost(Money.toEventScale(amounts.reasoning()))
                    .setTotalCost(Money.toEventScale(amounts.total()));
        } else {
            cost.setPricingStatus(PricingStatus.UNPRICED).setCostSource(CostSource.UNKNOWN);
        }
        return cost.build();
    }

    /** Every amount less the discount, exact; the total stays the sum of the parts. */
    private static Cost discounted(Cost amounts, dev.promptengine.cost.pricing.Discount discount) {
        var input = discount.applyTo(amounts.input());
        var cachedInput = discount.applyTo(amounts.cachedInput());
        var cacheWrite = discount.applyTo(amounts.cacheWrite());
        var output = discount.applyTo(amounts.output());
        var reasoning = discount.applyTo(amounts.reasoning());
        return new Cost(
                input,
                cachedInput,
                cacheWrite,
                output,
                reasoning,
                input.add(cachedInput).add(cacheWrite).add(output).add(reasoning),
                amounts.longContextApplied());
    }
}
