package dev.promptengine.analytics.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** The audit trail of the caller's tenant, newest first, for admins. */
@RestController
@Tag(name = "audit", description = "Who queried and exported what (admin)")
class AuditController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Entry(
            long id,
            Instant occurredAt,
            String keyName,
            String role,
            String endpoint,
            JsonNode filters,
            long rowsReturned) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Page(Instant from, Instant to, List<Entry> entries, Long nextBeforeId) {}

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    AuditController(JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    @GetMapping("/v1/audit")
    @RequiresRole(Role.ADMIN)
    @Operation(
            summary = "Audit trail",
            description = "Every answered query and export of the caller's tenant, newest first; page with"
                    + " `before_id` = the previous page's `next_before_id`. Default range: the last 7 days.")
    Page audit(
            Caller caller,
            @Parameter(description = "Start (inclusive), ISO-8601 or date", example = "2026-11-20T00:00:00Z")
                    @RequestParam(required = false)
                    String from,
            @Parameter(description = "End (exclusive), ISO-8601 or date", example = "2026-11-27T00:00:00Z")
                    @RequestParam(required = false)
                    String to,
            @Parameter(description = "Entries per page, 1..1000", example = "100") @RequestParam(defaultValue = "100")
                    String limit,
            @Parameter(description = "Only entries with a smaller id (keyset paging)")
                    @RequestParam(name = "before_id", required = false)
                    String beforeId) {
        var range =
                new FilterParameters(from, to, null, null, null, null, null, null, null).resolve(clock, DEFAULT_RANGE);
        int size = FilterParameters.integer("limit", limit, 1, 1000);
        Long before =
                beforeId == null ? null : (long) FilterParameters.integer("before_id", beforeId, 1, Integer.MAX_VALUE);
        List<Entry> entries = jdbc.sql("""
                        SELECT id, occurred_at, key_name, role, endpoint, filters::text AS filters, rows_returned
                        FROM audit_log
                        WHERE tenant = :tenant AND occurred_at >= :from
                          AND (CAST(:to AS timestamptz) IS NULL OR occurred_at < :to)
                          AND (CAST(:before AS bigint) IS NULL OR id < :before)
                        ORDER BY id DESC
                        LIMIT :limit
                        """)
                .param("tenant", caller.tenant())
                .param("from", range.from().atOffset(ZoneOffset.UTC))
                // without 'to', entries up to and including now (an entry of this very instant too)
                .param("to", to == null ? null : range.to().atOffset(ZoneOffset.UTC))
                .param("before", before)
                .param("limit", size + 1)
                .query((rs, row) -> new Entry(
                        rs.getLong("id"),
                        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                        rs.getString("key_name"),
                        rs.getString("role"),
                        rs.getString("endpoint"),
                        JSON.readTree(rs.getString("filters")),
                        rs.getLong("rows_returned")))
                .list();
        Long next = null;
        if (entries.size() > size) {
            entries = entries.subList(0, size);
            next = entries.get(size - 1).id();
        }
        var filters = new LinkedHashMap<String, Object>(range.describe());
        filters.put("limit", size);
        if (before != null) {
            filters.put("before_id", before);
        }
        audit.record(caller, "GET /v1/audit", filters, entries.size());
        return new Page(range.from(), range.to(), List.copyOf(entries), next);
    }
}
