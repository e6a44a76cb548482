package dev.promptengine.analytics.keys;

import dev.promptengine.service.auth.Role;
import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code api_key}: everything about a managed key except the key itself. {@code version}
 * is the optimistic lock, and the version the relay publishes.
 */
@Table("api_key")
record StoredKey(
        @Id UUID id,
        String name,
        String tenant,
        Role role,
        String sha256,
        String prefix,
        Instant createdAt,
        String createdBy,
        Instant expiresAt,
        Instant revokedAt,
        UUID replacedBy,
        @Version Long version) {

    boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    StoredKey rotatedTo(UUID successor, Instant expiry) {
        var until = expiresAt == null || expiry.isBefore(expiresAt) ? expiry : expiresAt;
        return new StoredKey(
                id, name, tenant, role, sha256, prefix, createdAt, createdBy, until, revokedAt, successor, version);
    }

    StoredKey revokedAt(Instant now) {
        return new StoredKey(
                id, name, tenant, role, sha256, prefix, createdAt, createdBy, expiresAt, now, replacedBy, version);
    }

    /** How Spring Data JDBC sets the new version after a save (the record is immutable). */
    StoredKey withVersion(Long version) {
        return new StoredKey(
                id,
                name,
                tenant,
                role,
                sha256,
                prefix,
                createdAt,
                createdBy,
                expiresAt,
                revokedAt,
                replacedBy,
                version);
    }
}
