package dev.promptengine.analytics.privacy;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Crypto-shredding, key-encryption key rotation and erasure of one end user (docs/privacy.md). A
 * tenant admin acts on its own tenant, a platform admin on any; every call is audited in the
 * tenant's trail.
 */
@RestController
@RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
@Tag(name = "Privacy", description = "Crypto-shredding, key rotation and erasure by end user (admin)")
class PrivacyController {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_USER_IDENTIFIER = 256;

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Shredded(
            String tenant,

            @Schema(description = "Key-encryption key versions destroyed; 0 when there were none (idempotent)")
            int keysDestroyed) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Rotated(
            String tenant,

            @Schema(description = "The new current key-encryption key version")
            int kekVersion) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Erased(
            String tenant,
            String userIdentifier,
            long usagesRemoved,
            long usageContentsRemoved,
            long executionsRemoved,
            long executionContentsRemoved) {}

    static class ForbiddenTenantException extends RuntimeException {
        ForbiddenTenantException(String message) {
            super(message);
        }
    }

    private final ContentKeys keys;
    private final UserErasure erasure;
    private final AuditTrail audit;

    PrivacyController(ContentKeys keys, UserErasure erasure, AuditTrail audit) {
        this.keys = keys;
        this.erasure = erasure;
        this.audit = audit;
    }

    @DeleteMapping("/v1/admin/tenants/{tenant}/keys")
    @Operation(
            summary = "Crypto-shred a tenant",
            description = "Destroys every key-encryption key of the tenant: all its sealed content, on every Kafka"
                    + " topic, in PostgreSQL and in backups, becomes unreadable at once; aggregates stay. New"
                    + " events are sealed under a new key.")
    Shredded shred(Caller caller, @PathVariable String tenant) {
        String target = tenant(caller, tenant);
        int destroyed = keys.shred(target);
        audit.record(caller, target, "DELETE /v1/admin/tenants/{tenant}/keys", Map.of("tenant", target), destroyed);
        return new Shredded(target, destroyed);
    }

    @PostMapping("/v1/admin/tenants/{tenant}/keys/rotate")
    @Operation(
            summary = "Rotate a tenant's key-encryption key",
            description = "Data keys made from now on are wrapped by a new key-encryption key version; stored and"
                    + " published content is not rewritten and stays readable under the older versions.")
    Rotated rotate(Caller caller, @PathVariable String tenant) {
        String target = tenant(caller, tenant);
        int version = keys.rotate(target);
        audit.record(caller, target, "POST /v1/admin/tenants/{tenant}/keys/rotate", Map.of("tenant", target), 1);
        return new Rotated(target, version);
    }

    @DeleteMapping("/v1/admin/users/{user_identifier}")
    @Operation(
            summary = "Erase one end user",
            description = "Removes the raw facts and content of that user_identifier in the tenant, in every"
                    + " partition; rollup totals stay. Idempotent: a repeated call reports zeros.")
    Erased erase(
            Caller caller,
            @PathVariable("user_identifier") String userIdentifier,
            @RequestParam(name = "tenant", required = false) String tenant) {
        if (userIdentifier.isBlank() || userIdentifier.length() > MAX_USER_IDENTIFIER) {
            throw new InvalidParameterException(
                    "user_identifier", "'user_identifier' must be 1 to " + MAX_USER_IDENTIFIER + " characters");
        }
        String target = tenant(caller, tenant == null ? caller.tenant() : tenant);
        var removed = erasure.erase(target, userIdentifier);
        var filters = new LinkedHashMap<String, Object>();
        filters.put("user_identifier", userIdentifier);
        filters.put("usages_removed", removed.usages());
        filters.put("executions_removed", removed.executions());
        audit.record(
                caller,
                target,
                "DELETE /v1/admin/users/{user_identifier}",
                filters,
                removed.usages() + removed.executions());
        return new Erased(
                target,
                userIdentifier,
                removed.usages(),
                removed.usageContents(),
                removed.executions(),
                removed.executionContents());
    }

    private static String tenant(Caller caller, String tenant) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new InvalidParameterException(
                    "tenant",
                    "'tenant' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (caller.role() != Role.PLATFORM_ADMIN && !tenant.equals(caller.tenant())) {
            throw new ForbiddenTenantException(
                    "A tenant admin acts on its own tenant ('" + caller.tenant() + "') only, not '" + tenant + "'");
        }
        return tenant;
    }

    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalid(InvalidParameterException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid parameter");
        problem.setProperty("field", e.parameter());
        return problem;
    }

    @ExceptionHandler(ForbiddenTenantException.class)
    ProblemDetail forbidden(ForbiddenTenantException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
        problem.setTitle("Forbidden");
        problem.setProperty("field", "tenant");
        return problem;
    }
}
