package dev.promptengine.analytics.reporting;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code /v1/admin/reporting-roles}: a tenant admin creates, lists and drops the PostgreSQL login
 * roles that read the {@code reporting} views of its own tenant and nothing else. A password is in
 * the creation's answer only. Every call is audited.
 */
@RestController
@RequiresRole(Role.ADMIN)
@Tag(name = "reporting", description = "Read-only PostgreSQL roles for BI tools (admin)")
class ReportingRolesController {

    private static final String SCHEMA = "reporting";

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ReportingRole(
            @Schema(description = "The PostgreSQL login role", example = "pe_reporting_3f9c0a1b2c4d")
            String role,

            @Schema(description = "Shown this once, never again; store it now")
            String password,

            String tenant,

            @Schema(description = "The schema of the views, the role's search_path", example = "reporting")
            String schema,

            Instant createdAt) {}

    /** A role as listed and as answered by a drop: never with a password. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ListedRole(
            @Schema(example = "pe_reporting_3f9c0a1b2c4d") String role,
            String tenant,
            @Schema(example = "reporting") String schema,
            Instant createdAt,

            @Schema(description = "The name of the admin key that created it")
            String createdBy) {}

    record RoleList(List<ListedRole> roles) {}

    private final ReportingRoles roles;
    private final AuditTrail audit;

    ReportingRolesController(ReportingRoles roles, AuditTrail audit) {
        this.roles = roles;
        this.audit = audit;
    }

    @PostMapping("/v1/admin/reporting-roles")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create a reporting role",
            description = "A PostgreSQL login role (scram-sha-256) that may read the reporting views of the"
                    + " caller's tenant (docs/reporting.md) and no table; the password is answered once.")
    ReportingRole create(Caller caller) {
        var created = roles.create(caller.tenant(), caller.keyName());
        var role = created.role();
        audit.record(caller, "POST /v1/admin/reporting-roles", Map.of("role", role.roleName()), 1);
        return new ReportingRole(role.roleName(), created.password(), role.tenant(), SCHEMA, role.createdAt());
    }

    @GetMapping("/v1/admin/reporting-roles")
    @Operation(
            summary = "List reporting roles",
            description = "The reporting roles of the caller's tenant, oldest first, without passwords.")
    RoleList list(Caller caller) {
        var listed = roles.list(caller.tenant()).stream()
                .map(ReportingRolesController::listed)
                .toList();
        audit.record(caller, "GET /v1/admin/reporting-roles", Map.of(), listed.size());
        return new RoleList(listed);
    }

    @DeleteMapping("/v1/admin/reporting-roles/{role}")
    @Operation(
            summary = "Drop a reporting role",
            description = "Removes the tenant mapping, the grants and the PostgreSQL role: new logins are refused"
                    + " and a session still open reads no row. A role of another tenant is not found (404).")
    ListedRole drop(Caller caller, @PathVariable String role) {
        var dropped = roles.drop(caller.tenant(), role);
        audit.record(caller, "DELETE /v1/admin/reporting-roles/{role}", Map.of("role", dropped.roleName()), 1);
        return listed(dropped);
    }

    private static ListedRole listed(ReportingRoleRecord r) {
        return new ListedRole(r.roleName(), r.tenant(), SCHEMA, r.createdAt(), r.createdBy());
    }
}
