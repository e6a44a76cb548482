package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.Caller;
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

/**
 * The pricing catalog over HTTP. The catalog is shared by every tenant, so only a platform admin
 * changes it (every change audited with key, tenant, before and after) or sees the models seen
 * without a price across tenants; a tenant admin reads it and resolves prices.
 */
@RestController
@RequestMapping("/v1/prices")
@RequiresRole(Role.PLATFORM_ADMIN)
class PricingController {

    /** Answer of {@code /resolve}: the row that applies at {@code at} and the rule that found it. */
    record ResolveResponse(
            String provider, String model, Instant at, String pricingStatus, String matchedRule, Price price) {}

    private final PriceCatalog catalog;
    private final PriceTable table;
    private final UnpricedModels unpriced;
    private final PriceAudit audit;
    private final Clock clock;

    PricingController(PriceCatalog catalog, PriceTable table, UnpricedModels unpriced, PriceAudit audit, Clock clock) {
        this.catalog = catalog;
        this.table = table;
        this.unpriced = unpriced;
        this.audit = audit;
        this.clock = clock;
    }

    /** Who changed the catalog, newest first, with each row before and after (platform admin). */
    @GetMapping("/audit")
    Map<String, List<PriceAudit.Entry>> audit(
            @RequestParam(name = "price_id", required = false) UUID priceId,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidParameterException("limit", "must be 1..1000, was " + limit);
        }
        return Map.of("entries", audit.list(priceId, limit));
    }

    /** The most rows one page of {@code GET /v1/prices} answers. */
    static final int MAX_PAGE = 1000;

    /**
     * One page of the catalog, ordered by provider, model and effective_from; {@code next_offset}
     * is there when more rows follow.
     */
    @GetMapping
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    Map<String, Object> list(
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String model,
            @RequestParam(name = "active_at", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
                    Instant activeAt,
            @RequestParam(defaultValue = "500") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidParameterException("limit", "must be 1.." + MAX_PAGE + ", was " + limit);
        }
        if (offset < 0) {
            throw new InvalidParameterException("offset", "must be >= 0, was " + offset);
        }
        List<Price> rows = catalog.list(provider, model, activeAt, limit + 1, offset);
        var page = new java.util.LinkedHashMap<String, Object>();
        page.put("prices", rows.size() > limit ? rows.subList(0, limit) : rows);
        if (rows.size() > limit) {
            page.put("next_offset", offset + limit);
        }
        return page;
    }

    @PostMapping
    ResponseEntity<Price> create(Caller caller, @Valid @RequestBody PriceRequest request) {
        var price = catalog.create(request, caller);
        return ResponseEntity.created(URI.create("/v1/prices/" + price.id())).body(price);
    }

    @GetMapping("/{id}")
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    ResponseEntity<Price> read(@PathVariable UUID id) {
        return ResponseEntity.of(catalog.find(id));
    }

    @PutMapping("/{id}")
    ResponseEntity<Price> replace(Caller caller, @PathVariable UUID id, @Valid @RequestBody PriceRequest request) {
        return ResponseEntity.of(catalog.replace(id, request, caller));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        return catalog.delete(id, caller)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    /** Which price this instance applies to an execution of {@code provider}/{@code model} at {@code at} (default now). */
    @GetMapping("/resolve")
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
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
