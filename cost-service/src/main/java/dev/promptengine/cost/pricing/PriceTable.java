package dev.promptengine.cost.pricing;

import java.time.Instant;
import java.util.Collection;
import org.springframework.stereotype.Component;

/**
 * This instance's lookup table: both layers and the tenant discounts as last read from the
 * compacted pricing topics. Every instance builds its own from the topics, so all agree once they
 * have read the same records. Lookups never touch the database.
 */
@Component
public class PriceTable {

    private final PricingProperties properties;
    private volatile PriceLayers layers;
    private volatile Instant catalogAsOf;

    PriceTable(PricingProperties properties) {
        this.properties = properties;
        this.layers = PriceLayers.empty(properties);
    }

    /** The price for an execution of {@code tenant} (its own rows, then the default catalog, then its discount). */
    public LayeredPrice resolve(String tenant, String provider, String model, Instant at) {
        return layers.resolve(tenant, provider, model, at);
    }

    public int size() {
        return layers.size();
    }

    /** When this instance applied the last pricing change it has read (the broker's record time); null before any. */
    public Instant catalogAsOf() {
        return catalogAsOf;
    }

    void replace(Collection<Price> prices, Collection<Discount> discounts, Instant asOf) {
        layers = new PriceLayers(prices, discounts, properties);
        catalogAsOf = asOf;
    }
}
