package dev.promptengine.analytics.drilldown;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.analytics.query.QueryProblems;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Drill-down into raw executions: filtered pages with a keyset cursor, and one execution in full. */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "executions", description = "Raw executions: drill-down and detail (analyst)")
class ExecutionsController {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ExecutionPage(
            Instant from,
            Instant to,
            @Schema(description = "Newest first") List<ExecutionRow> executions,

            @Schema(description = "Pass as `cursor` for the next page; null on the last page")
            String nextCursor) {}

    private final Clock clock;
    private final AuditTrail audit;
    private final ExecutionSearch search;
    private final ExecutionDetails details;
    private final SealedReads sealedReads;

    ExecutionsController(
            Clock clock, AuditTrail audit, ExecutionSearch search, ExecutionDetails details, SealedReads sealedReads) {
        this.clock = clock;
        this.audit = audit;
        this.search = search;
        this.details = details;
        this.sealedReads = sealedReads;
    }

    @GetMapping("/v1/executions")
    @Operation(
            summary = "Executions (drill-down)",
            description = "Raw executions matching the filters, newest first, in pages; follow `next_cursor`."
                    + " Default range: the last 7 days.")
    ExecutionPage executions(
            Caller caller,
            @ParameterObject FilterParameters parameters,
            @Parameter(schema = @Schema(allowableValues = {"success", "error", "timeout", "unknown"}))
                    @RequestParam(required = false)
                    String status,
            @Parameter(description = "Minimum total cost in USD (unpriced executions never match)", example = "0.01")
                    @RequestParam(name = "min_cost", required = false)
                    String minCost,
            @Parameter(description = "Text in the error message, case-insensitive", example = "rate limit")
                    @RequestParam(name = "error_contains", required = false)
                    String errorContains,
            @Parameter(description = "Page size, 1..500", schema = @Schema(defaultValue = "50"))
                    @RequestParam(defaultValue = "50")
                    String limit,
            @Parameter(description = "`next_cursor` of the previous page") @RequestParam(required = false)
                    String cursor) {
        var criteria = ExecutionCriteria.resolve(parameters, status, minCost, errorContains, clock);
        int size = FilterParameters.integer("limit", limit, 1, 500);
        var after = cursor == null ? null : ExecutionSearch.Cursor.decode(cursor);
        var reading = sealedReads.start(caller.tenant());
        var page = search.page(caller.tenant(), criteria, size, after, reading);
        Map<String, Object> described = criteria.describe();
        described.put("limit", size);
        if (cursor != null) {
            described.put("cursor", cursor);
        }
        audit.record(caller, "GET /v1/executions", described, page.rows().size());
        reading.audit(caller, "GET /v1/executions");
        return new ExecutionPage(
                criteria.filter().from(),
                criteria.filter().to(),
                page.rows(),
                page.next() == null ? null : page.next().encode());
    }

    @GetMapping("/v1/executions/{id}")
    @Operation(
            summary = "One execution",
            description = "The execution with its usage, messages, response and cost breakdown; 404 when it is not"
                    + " in the caller's tenant.")
    ExecutionDetails.ExecutionDetail execution(Caller caller, @PathVariable UUID id) {
        var reading = sealedReads.start(caller.tenant());
        var detail = details.find(caller.tenant(), id, reading)
                .orElseThrow(() -> new QueryProblems.NotFoundException("No execution " + id));
        audit.record(caller, "GET /v1/executions/{id}", Map.of("id", id.toString()), 1);
        reading.audit(caller, "GET /v1/executions/{id}");
        return detail;
    }
}
