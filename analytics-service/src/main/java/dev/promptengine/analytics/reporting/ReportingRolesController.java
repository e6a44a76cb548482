package dev.promptengine.analytics.reporting;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code POST /v1/admin/reporting-roles}: a tenant admin creates a PostgreSQL login role that reads
 * the {@code reporting} views of its own tenant and nothing else. The password is in this answer
 * only.
 */
@RestController
@RequiresRole(Role.ADMIN)
@Tag(name = "reporting", description = "Read-only PostgreSQL roles for BI tools (admin)")
class ReportingRolesController {

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

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    ReportingRolesController(JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    @PostMapping("/v1/admin/reporting-roles")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create a reporting role",
            description = "A PostgreSQL login role (scram-sha-256) that may read the reporting views of the"
                    + " caller's tenant (docs/reporting.md) and no table; the password is answered once.")
    @Transactional
    ReportingRole create(Caller caller) {
        // generated, never from the request: safe to write into the DDL, which takes no parameters
        String role = "pe_reporting_" + HexFormat.of().formatHex(bytes(6));
        String password = password();
        jdbc.sql("SET LOCAL password_encryption = 'scram-sha-256'").update();
        jdbc.sql("CREATE ROLE " + role + " LOGIN NOINHERIT CONNECTION LIMIT 10 PASSWORD '" + password + "'")
                .update();
        jdbc.sql("ALTER ROLE " + role + " SET search_path = reporting").update();
        jdbc.sql("ALTER ROLE " + role + " SET default_transaction_read_only = on")
                .update();
        jdbc.sql("ALTER ROLE " + role + " SET statement_timeout = '60s'").update();
        String database =
                jdbc.sql("SELECT current_database()").query(String.class).single();
        jdbc.sql("GRANT CONNECT ON DATABASE \"" + database + "\" TO " + role).update();
        jdbc.sql("GRANT USAGE ON SCHEMA reporting TO " + role).update();
        jdbc.sql("GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO " + role).update();
        var createdAt = clock.instant();
        jdbc.sql("""
                        INSERT INTO reporting_role (role_name, tenant, created_at, created_by)
                        VALUES (:role, :tenant, :createdAt, :createdBy)
                        """)
                .param("role", role)
                .param("tenant", caller.tenant())
                .param("createdAt", java.sql.Timestamp.from(createdAt))
                .param("createdBy", caller.keyName())
                .update();
        audit.record(caller, "POST /v1/admin/reporting-roles", Map.of("role", role), 1);
        return new ReportingRole(role, password, caller.tenant(), "reporting", createdAt);
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String password() {
        var password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
