package dev.promptengine.analytics.export;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.drilldown.ExecutionCriteria;
import dev.promptengine.analytics.drilldown.UsageSearch;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/export/usages}: every usage (render) matching the drill-down filters, newest
 * first, as CSV or JSON Lines, written while the database cursor advances (no row list in memory).
 */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "export", description = "Streamed exports of raw facts (analyst)")
class UsageExportController {

    static final String[] HEADER = {
        "id",
        "occurred_at",
        "prompt_slug",
        "prompt_version",
        "environment",
        "session_id",
        "user_identifier",
        "capture_mode"
    };

    private final Clock clock;
    private final AuditTrail audit;
    private final UsageSearch search;

    UsageExportController(Clock clock, AuditTrail audit, UsageSearch search) {
        this.clock = clock;
        this.audit = audit;
        this.search = search;
    }

    @GetMapping("/v1/export/usages")
    @Operation(
            summary = "Export usages as CSV or JSON Lines",
            description = "Newest first, streamed; the drill-down's filters (provider and model do not apply to"
                    + " renders). format=csv: RFC 4180 (UTF-8, CRLF) with a header line; format=jsonl: one JSON"
                    + " object per line with the same snake_case fields. Default range: the last 7 days.")
    void export(
            Caller caller,
            @ParameterObject FilterParameters parameters,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {"csv", "jsonl"},
                                            defaultValue = "csv"))
                    @RequestParam(required = false)
                    String format,
            HttpServletResponse response)
            throws IOException {
        var exportFormat = TableFormat.of(format);
        var filter = parameters.resolve(clock, ExecutionCriteria.DEFAULT_RANGE);
        var out = exportFormat.open(response, "usages", HEADER);
        long rows = search.stream(
                caller.tenant(),
                filter,
                row -> out.line(
                        row.id(),
                        row.occurredAt(),
                        row.promptSlug(),
                        row.promptVersion(),
                        row.environment(),
                        row.sessionId(),
                        row.userIdentifier(),
                        row.captureMode()));
        out.finish();
        var described = new LinkedHashMap<String, Object>(filter.describe());
        described.put("format", exportFormat.extension);
        audit.record(caller, "GET /v1/export/usages", described, rows);
    }
}
