package dev.promptengine.cost.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of both layers and the tenant discounts. An execution of tenant T is priced
 * by T's own rows first (same rules as the default catalog, {@link PriceIndex}), then by the default
 * catalog; a default-layer price is reduced by T's discount effective at the event time, the
 * model-specific one before the provider-wide one. Tenant rows are never discounted.
 */
final class PriceLayers {

    private final PriceIndex defaults;
    private final Map<String, PriceIndex> tenants = new HashMap<>();
    private final Map<String, List<Discount>> discountsByTenant = new HashMap<>();
    private final PricingProperties properties;
    private final int size;

    PriceLayers(Collection<Price> prices, Collection<Discount> discounts, PricingProperties properties) {
        this.properties = properties;
        var defaultRows = new ArrayList<Price>();
        var tenantRows = new HashMap<String, List<Price>>();
        for (var price : prices) {
            if (price.tenant() == null) {
                defaultRows.add(price);
            } else {
                tenantRows
                        .computeIfAbsent(price.tenant(), t -> new ArrayList<>())
                        .add(price);
            }
        }
        this.defaults = new PriceIndex(defaultRows, properties);
        tenantRows.forEach((tenant, rows) -> tenants.put(tenant, new PriceIndex(rows, properties)));
        for (var discount : discounts) {
            discountsByTenant
                    .computeIfAbsent(discount.tenant(), t -> new ArrayList<>())
                    .add(discount);
        }
        this.size = prices.size();
    }

    static PriceLayers empty(PricingProperties properties) {
        return new PriceLayers(List.of(), List.of(), properties);
    }

    int size() {
        return size;
    }

    LayeredPrice resolve(String tenant, String provider, String model, Instant at) {
        var considered = new ArrayList<LayeredPrice.Considered>();
        var own = tenant == null ? null : tenants.get(tenant);
        Optional<Resolution> found = own == null ? Optional.empty() : own.resolve(provider, model, at);
        if (tenant != null) {
            considered.add(consideredOf(Price.TENANT_LAYER, found));
            if (found.isPresent()) {
                return new LayeredPrice(found.get(), Price.TENANT_LAYER, null, List.copyOf(considered));
            }
        }
        found = defaults.resolve(provider, model, at);
        considered.add(consideredOf(Price.DEFAULT_LAYER, found));
        if (found.isEmpty()) {
            return new LayeredPrice(null, null, null, List.copyOf(considered));
        }
        var discount = discount(tenant, found.get().price(), model, at);
        return new LayeredPrice(found.get(), Price.DEFAULT_LAYER, discount, List.copyOf(considered));
    }

    private static LayeredPrice.Considered consideredOf(String layer, Optional<Resolution> found) {
        return found.map(resolution -> new LayeredPrice.Considered(layer, null, resolution.matchedRule()))
                .orElseGet(() -> new LayeredPrice.Considered(layer, "no row", null));
    }

    /** The tenant's discount on this default row at {@code at}: model-specific first, then provider-wide. */
    private Discount discount(String tenant, Price price, String executionModel, Instant at) {
        if (tenant == null) {
            return null;
        }
        Discount providerWide = null;
        for (var discount : discountsByTenant.getOrDefault(tenant, List.of())) {
            if (!provider(discount.provider()).equals(provider(price.provider())) || !discount.effectiveAt(at)) {
                continue;
            }
            if (discount.model() == null) {
                providerWide = discount;
            } else if (lower(discount.model()).equals(lower(price.model()))
                    || lower(discount.model()).equals(lower(executionModel))) {
                return discount;
            }
        }
        return providerWide;
    }

    private String provider(String provider) {
        String normalized = lower(provider);
        for (var alias : properties.providerAliases().entrySet()) {
            if (lower(alias.getKey()).equals(normalized)) {
                return lower(alias.getValue());
            }
        }
        return normalized;
    }

    private static String lower(String text) {
        return text.trim().toLowerCase(Locale.ROOT);
    }
}
