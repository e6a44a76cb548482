package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Tenant discounts on the default catalog over HTTP: a tenant admin manages its own tenant's (its
 * tenant implied; another tenant's do not exist for it), a platform admin every tenant's (naming it).
 */
@RestController
@RequestMapping("/v1/prices/discounts")
@RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
@Tag(name = "discounts", description = "A tenant's percentage off the default catalog")
class DiscountController {

    private final DiscountCatalog discounts;

    DiscountController(DiscountCatalog discounts) {
        this.discounts = discounts;
    }

    @GetMapping
    @Operation(summary = "The caller's tenant's discounts (platform admin: every tenant's, or tenant=)")
    Map<String, List<Discount>> list(Caller caller, @RequestParam(required = false) String tenant) {
        return Map.of("discounts", discounts.list(caller, tenant));
    }

    @PostMapping
    @Operation(summary = "Create a discount: percent off every default price of a provider, or of one model")
    ResponseEntity<Discount> create(Caller caller, @Valid @RequestBody DiscountRequest request) {
        var discount = discounts.create(request, caller);
        return ResponseEntity.created(URI.create("/v1/prices/discounts/" + discount.id()))
                .body(discount);
    }

    @GetMapping("/{id}")
    ResponseEntity<Discount> read(Caller caller, @PathVariable UUID id) {
        return ResponseEntity.of(discounts.find(id, caller));
    }

    @PutMapping("/{id}")
    @Operation(summary = "Replace a discount (its version grows by one)")
    ResponseEntity<Discount> replace(
            Caller caller, @PathVariable UUID id, @Valid @RequestBody DiscountRequest request) {
        return ResponseEntity.of(discounts.replace(id, request, caller));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a discount ('reason' goes into the audit trail)")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id, @RequestParam(required = false) String reason) {
        if (reason != null && reason.length() > PriceRequest.MAX_REASON) {
            throw new InvalidParameterException(
                    "reason", "must be at most " + PriceRequest.MAX_REASON + " characters, was " + reason.length());
        }
        return discounts.delete(id, reason, caller)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }
}
