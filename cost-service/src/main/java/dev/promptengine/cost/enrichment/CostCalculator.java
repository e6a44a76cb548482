package dev.promptengine.cost.enrichment;

import dev.promptengine.cost.pricing.Price;
import java.math.BigDecimal;

/**
 * The cost formula. Every token is priced once:
 *
 * <pre>
 * uncached input x input price
 * + cached input x cache-read price   (input price when the row has none)
 * + cache writes x cache-write price  (input price when the row has none)
 * + (output - reasoning) x output price + reasoning x reasoning price   when the row prices reasoning apart
 * + output x output price                                              otherwise
 * </pre>
 *
 * When the row has a long-context tier and the input (cached tokens included) is above its
 * threshold, the tier's input and output prices replace the standard ones. Prices are per 1M
 * tokens; amounts keep every digit (a price with 12 fractional digits gives at most 18).
 */
final class CostCalculator {

    static Cost cost(Price price, TokenCounts tokens) {
        boolean longContext = price.longContextThreshold() != null && tokens.input() > price.longContextThreshold();
        BigDecimal inputPrice = longContext && price.longContextInputPer1m() != null
                ? price.longContextInputPer1m()
                : price.inputPer1m();
        BigDecimal outputPrice = longContext && price.longContextOutputPer1m() != null
                ? price.longContextOutputPer1m()
                : price.outputPer1m();
        BigDecimal cachedPrice = price.cachedInputPer1m() != null ? price.cachedInputPer1m() : inputPrice;
        BigDecimal cacheWritePrice = price.cacheWritePer1m() != null ? price.cacheWritePer1m() : inputPrice;

        BigDecimal input = amount(tokens.uncachedInput(), inputPrice);
        BigDecimal cachedInput = amount(tokens.cachedInput(), cachedPrice);
        BigDecimal cacheWrite = amount(tokens.cacheWrite(), cacheWritePrice);
        BigDecimal output;
        BigDecimal reasoning;
        if (price.reasoningPer1m() != null) {
            output = amount(tokens.output() - tokens.reasoning(), outputPrice);
            reasoning = amount(tokens.reasoning(), price.reasoningPer1m());
        } else {
            output = amount(tokens.output(), outputPrice);
            reasoning = BigDecimal.ZERO;
        }
        BigDecimal total = input.add(cachedInput).add(cacheWrite).add(output).add(reasoning);
        return new Cost(input, cachedInput, cacheWrite, output, reasoning, total, longContext);
    }

    private static BigDecimal amount(long tokens, BigDecimal pricePer1m) {
        return pricePer1m.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
    }

    private CostCalculator() {}
}
