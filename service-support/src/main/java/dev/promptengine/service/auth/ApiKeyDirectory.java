package dev.promptengine.service.auth;

import dev.promptengine.events.ApiKey;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.Topics;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys managed at run time, as read from {@link Topics#API_KEYS}: the latest state of each
 * key by id, and an index by hash for lookups. Whether a key is valid is decided at request time
 * (expiry, revocation), so a rotated key stops working at the end of its overlap on every instance
 * without another record. A record that cannot be decoded is skipped with its reason.
 */
final class ApiKeyDirectory {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyDirectory.class);

    /** One managed key; {@code expiresAt} is exclusive. */
    record ManagedKey(
            String id,
            String name,
            String tenant,
            Role role,
            String sha256,
            long version,
            Instant expiresAt,
            Instant revokedAt) {

        boolean validAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }
    }

    private final Map<String, ManagedKey> byId = new ConcurrentHashMap<>();
    private final Map<String, ManagedKey> byHash = new ConcurrentHashMap<>();
    private final AvroDeserializer<ApiKey> decoder = new AvroDeserializer<>();

    /** The caller of a key with this hash, when it is known, not revoked and not expired at {@code now}. */
    Optional<Caller> find(String sha256, Instant now) {
        var key = byHash.get(sha256);
        if (key == null || !key.validAt(now)) {
            return Optional.empty();
        }
        return Optional.of(new Caller(key.name(), key.tenant(), key.role(), key.id()));
    }

    int size() {
        return byId.size();
    }

    /**
     * Applies one record of the topic: a key's new state, or a tombstone (null value) that forgets
     * it. Answers whether the directory changed. Never throws for a bad record: it is logged and
     * skipped, so one bad record cannot stop the reader.
     */
    synchronized boolean accept(String id, byte[] value) {
        if (id == null) {
            log.warn("Skipping API key record without a key");
            return false;
        }
        if (value == null) {
            return forget(id);
        }
        ManagedKey key;
        try {
            key = managedKey(decoder.deserialize(Topics.API_KEYS.name(), value));
        } catch (RuntimeException e) {
            log.warn("Skipping API key record {} that cannot be decoded: {}", id, e.getMessage());
            return false;
        }
        if (!key.id().equals(id)) {
            log.warn("Skipping API key record {}: its value is for key {}", id, key.id());
            return false;
        }
        var known = byId.get(id);
        if (known != null && known.version() > key.version()) {
            log.debug("Ignoring version {} of API key {}: version {} is known", key.version(), id, known.version());
            return false;
        }
        if (known != null && !known.sha256().equals(key.sha256())) {
            byHash.remove(known.sha256(), known);
        }
        var other = byHash.get(key.sha256());
        if (other != null && !other.id().equals(id)) {
            log.warn("Skipping API key record {}: key {} has the same hash", id, other.id());
            return false;
        }
        byId.put(id, key);
        byHash.put(key.sha256(), key);
        return true;
    }

    private boolean forget(String id) {
        var known = byId.remove(id);
        if (known == null) {
            return false;
        }
        byHash.remove(known.sha256(), known);
        return true;
    }

    private static ManagedKey managedKey(ApiKey event) {
        Role role;
        try {
            role = Role.valueOf(event.getRole().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + event.getRole() + "'", e);
        }
        String sha256 = event.getSha256().toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 is not a SHA-256 hash in hex");
        }
        return new ManagedKey(
                event.getId().toString(),
                event.getName(),
                event.getTenant(),
                role,
                sha256,
                event.getVersion(),
                event.getExpiresAt(),
                event.getRevokedAt());
    }
}
