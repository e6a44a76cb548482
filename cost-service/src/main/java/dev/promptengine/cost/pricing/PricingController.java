package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The pricing catalog over HTTP; admin only. */
@RestController
@RequestMapping("/v1/prices")
@RequiresRole(Role.ADMIN)
class PricingController {

    /** Answer of {@code /resolve}: the row that applies at {@code at} and the rule that found it. */
    record ResolveResponse(
            String provider, String model, Instant at, String pricingStatus, String matchedRule, Price price) {}

    private final PriceCatalog catalog;
    private final PriceTable table;
    private final UnpricedModels unpriced;
    private final Clock clock;

    PricingController(PriceCatalog catalog, PriceTable table, UnpricedModels unpriced, Clock clock) {
        this.catalog = catalog;
        this.table = table;
        this.unpriced = unpriced;
        this.clock = clock;
    }

    @GetMapping
    Map<String, List<Price>> list(
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String model,
            @RequestParam(name = "active_at", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
                    Instant activeAt) {
        return Map.of("prices", catalog.list(provider, model, activeAt));
    }

    @PostMapping
    ResponseEntity<Price> create(@Valid @RequestBody PriceRequest request) {
        var price = catalog.create(request);
        return ResponseEntity.created(URI.create("/v1/prices/" + price.id())).body(price);
    }

    @GetMapping("/{id}")
    ResponseEntity<Price> read(@PathVariable UUID id) {
        return ResponseEntity.of(catalog.find(id));
    }

    @PutMapping("/{id}")
    ResponseEntity<Price> replace(@PathVariable UUID id, @Valid @RequestBody PriceRequest request) {
        return ResponseEntity.of(catalog.replace(id, request));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        return catalog.delete(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    /** Which price this instance applies to an execution of {@code provider}/{@code model} at {@code at} (default now). */
    @GetMapping("/resolve")
    ResolveResponse resolve(
            @RequestParam String provider,
            @RequestParam String model,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant at) {
        Instant when = at == null ? clock.instant() : at;
        return table.resolve(provider, model, when)
                .map(found -> new ResolveResponse(provider, model, when, "PRICED", found.matchedRule(), found.price()))
                .orElseGet(() -> new ResolveResponse(provider, model, when, "UNPRICED", null, null));
    }

    @GetMapping("/unpriced")
    Map<String, List<UnpricedModels.UnpricedModel>> unpriced() {
        unpriced.flush();
        return Map.of("models", unpriced.list());
    }
}
