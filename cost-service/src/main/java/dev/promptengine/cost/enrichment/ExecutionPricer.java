package dev.promptengine.cost.enrichment;

import dev.promptengine.cost.pricing.PriceTable;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.Money;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Prices one execution at its event time ({@code occurred_at}) from the in-memory table. */
@Component
class ExecutionPricer {

    private final PriceTable table;
    private final Clock clock;

    ExecutionPricer(PriceTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    CostedLlmExecution price(LlmExecution execution) {
        var tokens = new TokenCounts(
                execution.getInputTokens(),
                execution.getCachedInputTokens(),
                execution.getCacheWriteTokens(),
                execution.getOutputTokens(),
                execution.getReasoningTokens());
        var cost = ExecutionCost.newBuilder().setPricedAt(clock.instant());
        var resolution = table.resolve(execution.getProvider(), execution.getModel(), execution.getOccurredAt());
        if (resolution.isEmpty()) {
            cost.setPricingStatus(PricingStatus.UNPRICED);
        } else {
            var amounts = CostCalculator.cost(resolution.get().price(), tokens);
            cost.setPricingStatus(PricingStatus.PRICED)
                    .setPriceId(resolution.get().price().id())
                    .setMatchedRule(resolution.get().matchedRule())
                    .setInputCost(Money.toEventScale(amounts.input()))
                    .setCachedInputCost(Money.toEventScale(amounts.cachedInput()))
                    .setCacheWriteCost(Money.toEventScale(amounts.cacheWrite()))
                    .setOutputCost(Money.toEventScale(amounts.output()))
                    .setReasoningCost(Money.toEventScale(amounts.reasoning()))
                    .setTotalCost(Money.toEventScale(amounts.total()))
                    .setLongContextApplied(amounts.longContextApplied());
        }
        return CostedLlmExecution.newBuilder()
                .setExecution(execution)
                .setCost(cost.build())
                .build();
    }
}
