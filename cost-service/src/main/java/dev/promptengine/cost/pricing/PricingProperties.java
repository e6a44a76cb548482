package dev.promptengine.cost.pricing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code promptengine.pricing}: model aliases (for example Azure deployment names, which the
 * customer chooses, mapped to the model they run), provider aliases (other names for the same
 * provider), whether the default catalog is loaded on start, and how often the outbox relay runs.
 */
@Validated
@ConfigurationProperties("promptengine.pricing")
public record PricingProperties(
        @Valid List<ModelAlias> aliases,
        Map<String, String> providerAliases,
        @DefaultValue("true") boolean loadDefaultCatalog,
        @DefaultValue("200ms") Duration relayInterval,
        @DefaultValue("120s") Duration startupTimeout) {

    public PricingProperties {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        providerAliases = providerAliases == null ? Map.of() : Map.copyOf(providerAliases);
    }

    /** Executions reported as {@code provider}/{@code model} are priced as {@code targetProvider}/{@code targetModel}. */
    public record ModelAlias(
            @NotBlank String provider,
            @NotBlank String model,
            @NotBlank String targetProvider,
            @NotBlank String targetModel) {}
}
