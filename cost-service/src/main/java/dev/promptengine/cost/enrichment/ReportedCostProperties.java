package dev.promptengine.cost.enrichment;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * {@code promptengine.pricing.reported-cost}: whose total wins when an execution carries the cost
 * its provider reported and the catalog prices it too. {@code default} (prefer-provider unless set)
 * applies to every tenant without an entry in {@code tenants}. Either way both totals travel on the
 * costed event ({@code provider_cost}, {@code catalog_cost}); an execution the catalog cannot price
 * takes the provider's cost whatever the policy (never a silent $0).
 */
@ConfigurationProperties("promptengine.pricing.reported-cost")
record ReportedCostProperties(
        @Name("default") @DefaultValue("prefer-provider") Policy defaultPolicy, Map<String, Policy> tenants) {

    enum Policy {
        PREFER_PROVIDER,
        PREFER_CATALOG
    }

    ReportedCostProperties {
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
    }

    Policy policyFor(String tenant) {
        return tenant == null ? defaultPolicy : tenants.getOrDefault(tenant, defaultPolicy);
    }
}
