package dev.promptengine.cost.pricing;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One version of a catalog row ({@code price_versions}): the row as it was after the change (null
 * after a delete), who made it, with which role and why.
 */
@Table("price_versions")
record PriceVersion(
        @Id Long id,
        UUID priceId,
        int version,
        String tenant,
        String action,
        JsonDocument rowAfter,
        Instant recordedAt,
        String recordedBy,
        String role,
        String reason) {

    static final String CREATE = "create";
    static final String UPDATE = "update";
    static final String DELETE = "delete";

    /** How Spring Data JDBC sets the generated id after an insert (the record is immutable). */
    PriceVersion withId(Long newId) {
        return new PriceVersion(
                newId, priceId, version, tenant, action, rowAfter, recordedAt, recordedBy, role, reason);
    }
}
