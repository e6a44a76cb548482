package dev.promptengine.cost.pricing;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * This instance's lookup table: the catalog as last read from the compacted pricing topic. Every
 * instance builds its own from the topic, so all agree once they have read the same records.
 * Lookups never touch the database.
 */
@Component
public class PriceTable {

    private final PricingProperties properties;
    private volatile PriceIndex index;

    PriceTable(PricingProperties properties) {
        this.properties = properties;
        this.index = PriceIndex.empty(properties);
    }

    /** The price effective at {@code at} for this provider and model, and the rule that found it. */
    public Optional<Resolution> resolve(String provider, String model, Instant at) {
        return index.resolve(provider, model, at);
    }

    public int size() {
        return index.size();
    }

    void replace(Collection<Price> prices) {
        index = new PriceIndex(prices, properties);
    }
}
