package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.Role;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenant discounts in PostgreSQL. Every change writes its outbox record (to the compacted discount
 * topic) and its audit entry in the same transaction; overlapping discounts of the same tenant,
 * provider and model scope are rejected by the database's exclusion constraint.
 */
@Service
class DiscountCatalog {

    private final DiscountRepository discounts;
    private final JdbcAggregateTemplate aggregates;
    private final PricingOutbox outbox;
    private final PriceAudit audit;
    private final Clock clock;

    DiscountCatalog(
            DiscountRepository discounts,
            JdbcAggregateTemplate aggregates,
            PricingOutbox outbox,
            PriceAudit audit,
            Clock clock) {
        this.discounts = discounts;
        this.aggregates = aggregates;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    /** The caller's tenant's discounts; a platform admin's: {@code tenant}'s, or every tenant's when null. */
    List<Discount> list(Caller caller, String tenant) {
        String scope = caller.role() == Role.PLATFORM_ADMIN ? tenant : caller.tenant();
        return scope == null
                ? discounts.findAllByOrderByTenantAscProviderAscEffectiveFromAscIdAsc()
                : discounts.findByTenantOrderByProviderAscEffectiveFromAscIdAsc(scope);
    }

    Optional<Discount> find(UUID id, Caller caller) {
        return discounts.findById(id).filter(discount -> visible(discount, caller));
    }

    @Transactional
    public Discount create(DiscountRequest request, Caller caller) {
        validate(request);
        var now = clock.instant();
        var discount = toDiscount(UUID.randomUUID(), request, tenantOf(request, caller), 1, now, now);
        aggregates.insert(discount);
        outbox.upserted(discount);
        audit.recordDiscount(caller, "create", discount.id(), null, discount, request.reason());
        return discount;
    }

    @Transactional
    public Optional<Discount> replace(UUID id, DiscountRequest request, Caller caller) {
        validate(request);
        var existing = find(id, caller);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        String tenant = tenantOf(request, caller);
        if (!tenant.equals(existing.get().tenant())) {
            throw new InvalidPriceException("tenant", "a discount stays with its tenant; create one for the other");
        }
        var discount = toDiscount(
                id,
                request,
                tenant,
                existing.get().version() + 1,
                existing.get().createdAt(),
                clock.instant());
        discounts.save(discount);
        outbox.upserted(discount);
        audit.recordDiscount(caller, "replace", id, existing.get(), discount, request.reason());
        return Optional.of(discount);
    }

    @Transactional
    public boolean delete(UUID id, String reason, Caller caller) {
        var existing = find(id, caller);
        existing.ifPresent(discount -> {
            discounts.deleteById(id);
            outbox.deleted(discount);
            audit.recordDiscount(caller, "delete", id, discount, null, reason);
        });
        return existing.isPresent();
    }

    private static boolean visible(Discount discount, Caller caller) {
        return caller.role() == Role.PLATFORM_ADMIN || discount.tenant().equals(caller.tenant());
    }

    private static String tenantOf(DiscountRequest request, Caller caller) {
        if (caller.role() == Role.PLATFORM_ADMIN) {
            if (request.tenant() == null || request.tenant().isBlank()) {
                throw new InvalidPriceException("tenant", "is required: a discount belongs to one tenant");
            }
            return request.tenant().trim();
        }
        return Layers.tenantForChange(
                caller, request.tenant() == null ? null : request.tenant().trim());
    }

    static void validate(DiscountRequest request) {
        if (request.effectiveUntil() != null && !request.effectiveFrom().isBefore(request.effectiveUntil())) {
            throw new InvalidPriceException("effective_until", "must be after effective_from");
        }
        if (request.percent().stripTrailingZeros().scale() > DiscountRequest.MAX_PERCENT_SCALE) {
            throw new InvalidPriceException(
                    "percent", "has more than " + DiscountRequest.MAX_PERCENT_SCALE + " fractional digits");
        }
    }

    private static Discount toDiscount(
            UUID id,
            DiscountRequest request,
            String tenant,
            int version,
            java.time.Instant createdAt,
            java.time.Instant updatedAt) {
        var percent = request.percent().stripTrailingZeros();
        return new Discount(
                id,
                tenant,
                request.provider().trim(),
                request.model() == null || request.model().isBlank()
                        ? null
                        : request.model().trim(),
                percent.scale() < 0 ? percent.setScale(0) : percent,
                request.effectiveFrom(),
                request.effectiveUntil(),
                version,
                request.source() == null || request.source().isBlank()
                        ? null
                        : request.source().trim(),
                createdAt,
                updatedAt);
    }
}
