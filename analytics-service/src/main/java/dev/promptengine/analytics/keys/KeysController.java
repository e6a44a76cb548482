package dev.promptengine.analytics.keys;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code /v1/admin/keys}: a tenant admin manages its tenant's keys, a platform admin every tenant's.
 * The raw key is in the answer of create and rotate only; lists show a short prefix instead.
 */
@RestController
@RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
@Tag(
        name = "API keys",
        description = "Create, list, rotate and revoke API keys; effective on every service within seconds (admin)")
class KeysController {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CreateKey(
            @Schema(description = "Tenant of the key; a tenant admin may omit it (its own)", example = "acme")
            String tenant,

            @Schema(description = "publisher, analyst, admin or platform_admin", example = "publisher")
            String role,

            @Schema(description = "What the key is for, at most 100 characters", example = "checkout-service")
            String name) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record KeyView(
            UUID id,
            String name,
            String tenant,
            String role,

            @Schema(description = "The key's first characters, to recognise it; not a secret")
            String prefix,

            Instant createdAt,
            String createdBy,

            @Schema(description = "Set by a rotation: the end of the overlap (exclusive)")
            Instant expiresAt,

            Instant revokedAt,

            @Schema(description = "The key that replaced this one in a rotation")
            UUID replacedBy) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record IssuedKey(
            @Schema(description = "The raw key: shown this once, never again; store it now")
            String key,

            @JsonUnwrapped KeyView view) {}

    record KeyList(List<KeyView> keys) {}

    private final KeyAdministration administration;

    KeysController(KeyAdministration administration) {
        this.administration = administration;
    }

    @PostMapping("/v1/admin/keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create an API key",
            description = "Answers the raw key once. A tenant admin creates keys of its own tenant, of any role"
                    + " but platform_admin; a platform admin for any tenant. Effective on every instance of every"
                    + " service within seconds.")
    IssuedKey create(Caller caller, @RequestBody CreateKey request) {
        return issued(administration.create(caller, request.tenant(), request.role(), request.name()));
    }

    @GetMapping("/v1/admin/keys")
    @Operation(
            summary = "List API keys",
            description = "The managed keys of the caller's tenant (a platform admin: of every tenant, or of"
                    + " `tenant`), oldest first, with prefix and times, never the key or its hash. Keys from"
                    + " configuration are not listed.")
    KeyList list(
            Caller caller,
            @Parameter(description = "Only this tenant's keys (a tenant admin: its own only)", example = "acme")
                    @RequestParam(required = false)
                    String tenant) {
        return new KeyList(administration.list(caller, tenant).stream()
                .map(KeysController::view)
                .toList());
    }

    @GetMapping("/v1/admin/keys/{id}")
    @Operation(summary = "One API key", description = "Without the key or its hash.")
    KeyView get(Caller caller, @PathVariable String id) {
        return view(administration.get(caller, id));
    }

    @PostMapping("/v1/admin/keys/{id}/rotate")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Rotate an API key",
            description = "Creates its successor (same name, tenant and role) and answers its raw key once; the"
                    + " old key keeps working until now + `overlap`, then is refused everywhere.")
    IssuedKey rotate(
            Caller caller,
            @PathVariable String id,
            @Parameter(description = "How long the old key keeps working, ISO-8601, PT0S to P30D", example = "PT24H")
                    @RequestParam(required = false)
                    String overlap) {
        return issued(administration.rotate(caller, id, overlap));
    }

    @DeleteMapping("/v1/admin/keys/{id}")
    @Operation(
            summary = "Revoke an API key",
            description = "Refused on every instance of every service within seconds. Keys from configuration are"
                    + " the bootstrap: they cannot be revoked here (404).")
    KeyView revoke(Caller caller, @PathVariable String id) {
        return view(administration.revoke(caller, id));
    }

    static String roleName(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    private static KeyView view(StoredKey key) {
        return new KeyView(
                key.id(),
                key.name(),
                key.tenant(),
                roleName(key.role()),
                key.prefix(),
                key.createdAt(),
                key.createdBy(),
                key.expiresAt(),
                key.revokedAt(),
                key.replacedBy());
    }

    private static IssuedKey issued(KeyAdministration.Issued issued) {
        return new IssuedKey(issued.rawKey(), view(issued.key()));
    }
}
