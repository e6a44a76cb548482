package dev.promptengine.analytics.keys;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.ApiKeys;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.Role;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, lists, rotates and revokes managed keys, each action with its audit entry in the same
 * transaction (no change without its entry, no entry without its change). Fails closed: a tenant
 * admin sees and changes only its own tenant's keys, never a platform-admin key, and cannot create
 * one; only a platform admin acts on every tenant. Raw keys are 256 random bits ({@code pe_} +
 * base64url), returned once and never stored.
 */
@Service
class KeyAdministration {

    static final int MAX_NAME_LENGTH = 100;
    static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    static final Duration MAX_OVERLAP = Duration.ofDays(30);
    static final int PREFIX_LENGTH = 11; // "pe_" and 8 of the 43 random characters
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key as just created: the raw key, shown this once, and its row. */
    record Issued(String rawKey, StoredKey key) {}

    private final ApiKeyRepository keys;
    private final AuditTrail audit;
    private final Clock clock;

    KeyAdministration(ApiKeyRepository keys, AuditTrail audit, Clock clock) {
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Issued create(Caller caller, String tenant, String role, String name) {
        String target = tenant(caller, tenant);
        Role keyRole = role(caller, role);
        String keyName = name(name);
        var issued = issue(caller, target, keyRole, keyName);
        audit(caller, "POST /v1/admin/keys", issued.key(), null, issued.key());
        return issued;
    }

    @Transactional
    public List<StoredKey> list(Caller caller, String tenant) {
        List<StoredKey> found;
        if (tenant == null && caller.role() == Role.PLATFORM_ADMIN) {
            found = keys.findAllByOrderByCreatedAtAscIdAsc();
        } else {
            found = keys.findByTenantOrderByCreatedAtAscIdAsc(tenant(caller, tenant)).stream()
                    .filter(key -> visible(caller, key))
                    .toList();
        }
        var filters = new LinkedHashMap<String, Object>();
        filters.put("tenant", tenant);
        filters.put("caller_key_id", caller.keyId());
        audit.record(caller, tenant == null ? caller.tenant() : tenant, "GET /v1/admin/keys", filters, found.size());
        return found;
    }

    @Transactional
    public StoredKey get(Caller caller, String id) {
        var key = visibleKey(caller, id);
        var filters = new LinkedHashMap<String, Object>();
        filters.put("key_id", key.id().toString());
        filters.put("tenant", key.tenant());
        filters.put("caller_key_id", caller.keyId());
        audit.record(caller, key.tenant(), "GET /v1/admin/keys/{id}", filters, 1);
        return key;
    }

    /** A successor with the same name, tenant and role; the old key keeps working until now + overlap. */
    @Transactional
    public Issued rotate(Caller caller, String id, String overlap) {
        Duration keep = overlap(overlap);
        var old = visibleKey(caller, id);
        var now = clock.instant();
        if (!old.activeAt(now)) {
            throw new KeyProblems.KeyNotActiveException("Key " + id + " is " + state(old) + "; create a new key");
        }
        if (old.replacedBy() != null) {
            throw new KeyProblems.KeyNotActiveException(
                    "Key " + id + " was rotated already, to " + old.replacedBy() + "; rotate that one");
        }
        var issued = issue(caller, old.tenant(), old.role(), old.name());
        var rotated = keys.save(old.rotatedTo(issued.key().id(), now.plus(keep)));
        audit(caller, "POST /v1/admin/keys/{id}/rotate", old, old, rotated);
        audit(caller, "POST /v1/admin/keys/{id}/rotate", issued.key(), null, issued.key());
        return issued;
    }

    @Transactional
    public StoredKey revoke(Caller caller, String id) {
        var key = visibleKey(caller, id);
        if (key.revokedAt() != null) {
            throw new KeyProblems.KeyNotActiveException("Key " + id + " was revoked already, at " + key.revokedAt());
        }
        var revoked = keys.save(key.revokedAt(clock.instant()));
        audit(caller, "DELETE /v1/admin/keys/{id}", key, key, revoked);
        return revoked;
    }

    private Issued issue(Caller caller, String tenant, Role role, String name) {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String raw = "pe_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        var key = keys.save(new StoredKey(
                UUID.randomUUID(),
                name,
                tenant,
                role,
                ApiKeys.sha256Hex(raw),
                raw.substring(0, PREFIX_LENGTH),
                clock.instant(),
                caller.keyName(),
                null,
                null,
                null,
                null));
        return new Issued(raw, key);
    }

    private StoredKey visibleKey(Caller caller, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("id", "'id' must be a key id (a UUID), was '" + id + "'");
        }
        return keys.findById(uuid)
                .filter(key -> visible(caller, key))
                .orElseThrow(() -> new KeyProblems.KeyNotFoundException("No managed key " + id
                        + " in your scope (keys from configuration are the bootstrap and change only in"
                        + " configuration)"));
    }

    private static boolean visible(Caller caller, StoredKey key) {
        return caller.role() == Role.PLATFORM_ADMIN
                || (caller.role() == Role.ADMIN
                        && key.tenant().equals(caller.tenant())
                        && key.role() != Role.PLATFORM_ADMIN);
    }

    private static String tenant(Caller caller, String tenant) {
        if (caller.role() != Role.PLATFORM_ADMIN) {
            if (tenant != null && !tenant.equals(caller.tenant())) {
                throw new KeyProblems.KeyForbiddenException(
                        "tenant",
                        "A tenant admin manages the keys of its own tenant ('" + caller.tenant() + "') only, not '"
                                + tenant + "'");
            }
            return caller.tenant();
        }
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidParameterException("tenant", "'tenant' is required");
        }
        if (!TENANT.matcher(tenant).matches()) {
            throw new InvalidParameterException(
                    "tenant",
                    "'tenant' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return tenant;
    }

    private static Role role(Caller caller, String role) {
        if (role == null || role.isBlank()) {
            throw new InvalidParameterException(
                    "role", "'role' is required: publisher, analyst, admin or platform_admin");
        }
        Role parsed;
        try {
            parsed = Role.valueOf(role.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(
                    "role", "'role' must be publisher, analyst, admin or platform_admin, was '" + role + "'");
        }
        if (parsed == Role.PLATFORM_ADMIN && caller.role() != Role.PLATFORM_ADMIN) {
            throw new KeyProblems.KeyForbiddenException("role", "Only a platform admin creates platform_admin keys");
        }
        return parsed;
    }

    private static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidParameterException("name", "'name' is required");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidParameterException(
                    "name", "'name' must be at most " + MAX_NAME_LENGTH + " characters, was " + name.length());
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidParameterException("name", "'name' must not contain control characters");
        }
        return name.strip();
    }

    private static Duration overlap(String overlap) {
        if (overlap == null) {
            return DEFAULT_OVERLAP;
        }
        Duration parsed;
        try {
            parsed = Duration.parse(overlap);
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(
                    "overlap", "'overlap' must be an ISO-8601 duration such as PT24H, was '" + overlap + "'");
        }
        if (parsed.isNegative() || parsed.compareTo(MAX_OVERLAP) > 0) {
            throw new InvalidParameterException(
                    "overlap", "'overlap' must be between PT0S and " + MAX_OVERLAP + " (30 days), was " + overlap);
        }
        return parsed;
    }

    private static String state(StoredKey key) {
        return key.revokedAt() != null ? "revoked since " + key.revokedAt() : "expired since " + key.expiresAt();
    }

    private void audit(Caller caller, String endpoint, StoredKey key, StoredKey before, StoredKey after) {
        var details = new LinkedHashMap<String, Object>();
        details.put("key_id", key.id().toString());
        details.put("tenant", key.tenant());
        details.put("caller_key_id", caller.keyId());
        details.put("before", before == null ? null : describe(before));
        details.put("after", describe(after));
        audit.record(caller, key.tenant(), endpoint, details, 1);
    }

    /** What the audit trail keeps of a key: never the raw key or its hash. */
    private static Map<String, Object> describe(StoredKey key) {
        var view = new LinkedHashMap<String, Object>();
        view.put("id", key.id().toString());
        view.put("name", key.name());
        view.put("tenant", key.tenant());
        view.put("role", KeysController.roleName(key.role()));
        view.put("prefix", key.prefix());
        view.put("created_at", text(key.createdAt()));
        view.put("created_by", key.createdBy());
        view.put("expires_at", text(key.expiresAt()));
        view.put("revoked_at", text(key.revokedAt()));
        view.put(
                "replaced_by",
                key.replacedBy() == null ? null : key.replacedBy().toString());
        return view;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
