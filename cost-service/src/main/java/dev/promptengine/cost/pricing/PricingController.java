package dev.promptengine.cost.pricing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pricing catalog over HTTP, in two layers: the default catalog, shared by every tenant, which
 * only a platform admin changes, and each tenant's own rows, which its admin changes (a platform
 * admin too, naming the tenant). Every change is audited and versioned; only a platform admin sees
 * the audit trail and the models seen without a price across tenants.
 */
@RestController
@RequestMapping("/v1/prices")
@RequiresRole(Role.PLATFORM_ADMIN)
@Tag(name = "prices", description = "Pricing catalog: default and tenant layers, history, resolution")
class PricingController {

    /**
     * Answer of {@code /resolve}: the row that applies at {@code at}, the layer and rule that found it,
     * the discount that applies, and what each layer answered; {@code known_at} when answered from the
     * catalog as recorded then.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ResolveResponse(
            String provider,
            String model,
            Instant at,
            String tenant,
            Instant knownAt,
            String pricingStatus,
            String matchedRule,
            String layer,
            Integer priceVersion,
            DiscountApplied discount,
            List<LayeredPrice.Considered> layersConsidered,
            Price price) {}

    record DiscountApplied(UUID id, BigDecimal percent) {}

    /** One entry of {@code /{id}/history}. */
    record HistoryEntry(
            int version,
            String action,
            Instant recordedAt,
            String recordedBy,
            String role,
            String reason,
            JsonNode before,
            JsonNode after) {}

    record History(UUID priceId, List<HistoryEntry> versions) {}

    private final PriceCatalog catalog;
    private final PriceTable table;
    private final PricingProperties properties;
    private final UnpricedModels unpriced;
    private final PriceAudit audit;
    private final JsonMapper json;
    private final Clock clock;

    PricingController(
            PriceCatalog catalog,
            PriceTable table,
            PricingProperties properties,
            UnpricedModels unpriced,
            PriceAudit audit,
            JsonMapper json,
            Clock clock) {
        this.catalog = catalog;
        this.table = table;
        this.properties = properties;
        this.unpriced = unpriced;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /** Who changed the catalog or a discount, newest first, with each row before and after (platform admin). */
    @GetMapping("/audit")
    @Operation(summary = "Audit trail of price and discount changes, newest first (platform admin)")
    Map<String, List<PriceAudit.Entry>> audit(
            @RequestParam(name = "price_id", required = false) UUID priceId,
            @RequestParam(name = "discount_id", required = false) UUID discountId,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidParameterException("limit", "must be 1..1000, was " + limit);
        }
        return Map.of("entries", audit.list(priceId, discountId, limit));
    }

    /** The most rows one page of {@code GET /v1/prices} answers. */
    static final int MAX_PAGE = 1000;

    /**
     * One page of the catalog: the default rows and the caller's tenant's (a platform admin: every
     * row, or the view of {@code tenant}), ordered by provider, model and effective_from;
     * {@code next_offset} is there when more rows follow.
     */
    @GetMapping
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    @Operation(summary = "List the default rows and the caller's tenant rows (each with tenant and layer)")
    Map<String, Object> list(
            Caller caller,
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String model,
            @RequestParam(name = "active_at", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
                    Instant activeAt,
            @Parameter(description = "platform admin: the view of this tenant (default rows plus its own)")
                    @RequestParam(required = false)
                    String tenant,
            @RequestParam(defaultValue = "500") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidParameterException("limit", "must be 1.." + MAX_PAGE + ", was " + limit);
        }
        if (offset < 0) {
            throw new InvalidParameterException("offset", "must be >= 0, was " + offset);
        }
        String scope = scopeOf(caller, tenant);
        List<Price> rows = catalog.list(provider, model, activeAt, scope, limit + 1, offset);
        var page = new LinkedHashMap<String, Object>();
        page.put("prices", rows.size() > limit ? rows.subList(0, limit) : rows);
        if (rows.size() > limit) {
            page.put("next_offset", offset + limit);
        }
        return page;
    }

    @PostMapping
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    @Operation(
            summary = "Create a row (a tenant admin: in its tenant; a platform admin: default or the given tenant)",
            description = "When models seen without a price are priced by the new row, the answer has"
                    + " 'unpriced' with the re-pricing request that would price them.")
    ResponseEntity<Created> create(Caller caller, @Valid @RequestBody PriceRequest request) {
        var price = catalog.create(request, caller);
        var offer = unpriced.offerFor(price)
                .map(found -> unpricedOffer(price, found))
                .orElse(null);
        return ResponseEntity.created(URI.create("/v1/prices/" + price.id())).body(new Created(price, offer));
    }

    /** The created row, and the re-pricing offer when it prices models seen without a price. */
    record Created(
            @JsonUnwrapped Price price,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> unpriced) {}

    /** The re-pricing analytics-service would run for the executions the new row now prices. */
    private static Map<String, Object> unpricedOffer(Price price, UnpricedModels.Offer offer) {
        var request = new LinkedHashMap<String, Object>();
        request.put("from", offer.firstSeen());
        request.put("to", offer.lastSeen().plusMillis(1));
        request.put("provider", price.provider());
        if (offer.model() != null) {
            request.put("model", offer.model());
        }
        request.put("only_unpriced", true);
        request.put("dry_run", true);
        var reprice = new LinkedHashMap<String, Object>();
        reprice.put("service", "analytics-service");
        reprice.put("method", "POST");
        reprice.put("path", "/v1/repricing");
        reprice.put("body", request);
        var answer = new LinkedHashMap<String, Object>();
        answer.put("executions", offer.executions());
        answer.put("first_seen", offer.firstSeen());
        answer.put("last_seen", offer.lastSeen());
        answer.put("models", offer.models());
        answer.put("reprice", reprice);
        return answer;
    }

    @GetMapping("/{id}")
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    ResponseEntity<Price> read(Caller caller, @PathVariable UUID id) {
        return ResponseEntity.of(catalog.find(id).filter(price -> Layers.visible(price.tenant(), caller)));
    }

    @PutMapping("/{id}")
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    @Operation(summary = "Replace a row (its version grows by one; 'reason' goes into its history)")
    ResponseEntity<Price> replace(Caller caller, @PathVariable UUID id, @Valid @RequestBody PriceRequest request) {
        return ResponseEntity.of(catalog.replace(id, request, caller));
    }

    @DeleteMapping("/{id}")
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    @Operation(summary = "Delete a row (its history stays)")
    ResponseEntity<Void> delete(
            Caller caller,
            @PathVariable UUID id,
            @Parameter(description = "why, kept in the row's history (at most 500 characters)")
                    @RequestParam(required = false)
                    String reason) {
        if (reason != null && reason.length() > PriceRequest.MAX_REASON) {
            throw new InvalidParameterException(
                    "reason", "must be at most " + PriceRequest.MAX_REASON + " characters, was " + reason.length());
        }
        return catalog.delete(id, reason, caller)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    /** Every version of a row, oldest first; a deleted row keeps its history. */
    @GetMapping("/{id}/history")
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    @Operation(summary = "Every version of a row, oldest first, with who, role, reason, before and after")
    ResponseEntity<History> history(Caller caller, @PathVariable UUID id) {
        var versions = catalog.history(id, caller);
        if (versions.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
        }
        var entries = new ArrayList<HistoryEntry>();
        JsonNode before = null;
        for (var version : versions) {
            JsonNode after = version.rowAfter() == null
                    ? null
                    : json.readTree(version.rowAfter().json());
            entries.add(new HistoryEntry(
                    version.version(),
                    version.action(),
                    version.recordedAt(),
                    version.recordedBy(),
                    version.role(),
                    version.reason(),
                    before,
                    after));
            before = after;
        }
        return ResponseEntity.ok(new History(id, entries));
    }

    /**
     * Which price applies to an execution of {@code tenant} (a tenant admin: its own) for
     * {@code provider}/{@code model} at {@code at} (default now): from this instance's table, or with
     * {@code known_at} from the catalog as it was recorded at that moment.
     */
    @GetMapping("/resolve")
    @RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
    @Operation(summary = "Which price applies, which layer won and why; known_at answers as the catalog was then")
    ResolveResponse resolve(
            Caller caller,
            @RequestParam String provider,
            @RequestParam String model,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant at,
            @RequestParam(required = false) String tenant,
            @Parameter(description = "answer from the catalog as recorded at this instant (its history)")
                    @RequestParam(name = "known_at", required = false)
                    @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
                    Instant knownAt) {
        Instant when = at == null ? clock.instant() : at;
        String forTenant = caller.role() == Role.PLATFORM_ADMIN ? tenant : Layers.tenantForChange(caller, tenant);
        LayeredPrice found = knownAt == null
                ? table.resolve(forTenant, provider, model, when)
                : new PriceLayers(catalog.asKnownAt(knownAt), audit.discountsAsKnownAt(knownAt), properties)
                        .resolve(forTenant, provider, model, when);
        if (!found.priced()) {
            return new ResolveResponse(
                    provider,
                    model,
                    when,
                    forTenant,
                    knownAt,
                    "UNPRICED",
                    null,
                    null,
                    null,
                    null,
                    found.layersConsidered(),
                    null);
        }
        var price = found.resolution().price();
        return new ResolveResponse(
                provider,
                model,
                when,
                forTenant,
                knownAt,
                "PRICED",
                found.resolution().matchedRule(),
                found.layer(),
                price.version(),
                found.discount() == null
                        ? null
                        : new DiscountApplied(
                                found.discount().id(), found.discount().percent()),
                found.layersConsidered(),
                price);
    }

    @GetMapping("/unpriced")
    @Operation(summary = "Models seen without a price, across tenants (platform admin)")
    Map<String, List<UnpricedModels.UnpricedModel>> unpriced() {
        unpriced.flush();
        return Map.of("models", unpriced.list());
    }

    /** The tenant whose view a list shows; null (every row) for a platform admin without a filter. */
    private static String scopeOf(Caller caller, String tenant) {
        return caller.role() == Role.PLATFORM_ADMIN ? tenant : caller.tenant();
    }
}
