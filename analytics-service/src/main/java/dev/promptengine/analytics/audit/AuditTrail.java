package dev.promptengine.analytics.audit;

import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.service.auth.Caller;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Records who asked or changed what; called by every query, export and admin endpoint once it has its answer. */
@Component
public class AuditTrail {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final PartitionManager partitions;

    AuditTrail(JdbcClient jdbc, Clock clock, PartitionManager partitions) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.partitions = partitions;
    }

    /**
     * @param endpoint method and path template, e.g. {@code GET /v1/analytics/usage-stats}
     * @param filters the resolved parameters of the request
     * @param rowsReturned rows of the answer (groups, points, executions or CSV lines)
     */
    public void record(Caller caller, String endpoint, Map<String, ?> filters, long rowsReturned) {
        record(caller, caller.tenant(), endpoint, filters, rowsReturned);
    }

    /**
     * An action on {@code tenant}'s data by a caller who may be of another tenant (a platform admin),
     * recorded in that tenant's trail so its admins see it.
     */
    public void record(Caller caller, String tenant, String endpoint, Map<String, ?> filters, long rowsReturned) {
        var now = clock.instant();
        partitions.ensureRawDays(List.of(now)); // this month's audit_log partition (a set lookup once it exists)
        jdbc.sql("""
                        INSERT INTO audit_log (tenant, key_name, role, occurred_at, endpoint, filters, rows_returned)
                        VALUES (:tenant, :keyName, :role, :occurredAt, :endpoint, CAST(:filters AS jsonb), :rows)
                        """)
                .param("tenant", tenant)
                .param("keyName", caller.keyName())
                .param("role", caller.role().name().toLowerCase(java.util.Locale.ROOT))
                .param("occurredAt", now.atOffset(ZoneOffset.UTC))
                .param("endpoint", endpoint)
                .param("filters", JSON.writeValueAsString(filters))
                .param("rows", rowsReturned)
                .update();
    }
}
