package dev.promptengine.cost.pricing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The price of an execution across the layers: the tenant's own rows first, then the default
 * catalog; {@code resolution} null when neither has one. {@code discount} is the tenant's discount
 * that applies to a default-layer price at the event time, if any. {@code layersConsidered} says what
 * each layer answered, in order.
 */
public record LayeredPrice(Resolution resolution, String layer, Discount discount, List<Considered> layersConsidered) {

    /** One layer's answer: {@code matched_rule} when it had a row, else {@code result} "no row". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Considered(String layer, String result, String matchedRule) {}

    public boolean priced() {
        return resolution != null;
    }
}
