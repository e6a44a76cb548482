package dev.promptengine.analytics.export;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.drilldown.ExecutionCriteria;
import dev.promptengine.analytics.drilldown.ExecutionSearch;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/export/executions.csv} and {@code .jsonl}: every execution matching the drill-down
 * filters, newest first, written to the response while the database cursor advances (no row list
 * in memory).
 */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "export", description = "Streamed exports of raw facts (analyst)")
class ExecutionExportController {

    static final String[] HEADER = {
        "id",
        "occurred_at",
        "usage_id",
        "prompt_slug",
        "prompt_version",
        "environment",
        "provider",
        "model",
        "user_identifier",
        "session_id",
        "status",
        "error_type",
        "error_message",
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "cached_input_tokens",
        "reasoning_tokens",
        "execution_time_ms",
        "pricing_status",
        "total_cost"
    };

    private final Clock clock;
    private final AuditTrail audit;
    private final ExecutionSearch search;
    private final SealedReads sealedReads;

    ExecutionExportController(Clock clock, AuditTrail audit, ExecutionSearch search, SealedReads sealedReads) {
        this.clock = clock;
        this.audit = audit;
        this.search = search;
        this.sealedReads = sealedReads;
    }

    @GetMapping({"/v1/export/executions.csv", "/v1/export/executions.jsonl"})
    @Operation(
            summary = "Export executions as CSV or JSON Lines",
            description = "executions.csv: RFC 4180 CSV (UTF-8, CRLF) with a header line; executions.jsonl: one JSON"
                    + " object per line with the same snake_case fields (counts as numbers, total_cost as the exact"
                    + " decimal string). Newest first, streamed; the drill-down's filters. Money is the exact"
                    + " decimal; an unpriced execution has an empty (null) total_cost. Default range: the last 7"
                    + " days.",
            responses =
                    @ApiResponse(
                            responseCode = "200",
                            content =
                                    @Content(
                                            mediaType = "text/csv",
                                            examples =
                                                    @ExampleObject(
                                                            value = "id,occurred_at,usage_id,prompt_slug,...\r\n"
                                                                    + "6f1c...,2026-11-26T10:00:00Z,...,0.00367\r\n"))))
    void export(
            Caller caller,
            @ParameterObject FilterParameters parameters,
            @Parameter(schema = @Schema(allowableValues = {"success", "error", "timeout", "unknown"}))
                    @RequestParam(required = false)
                    String status,
            @Parameter(description = "Minimum total cost in USD", example = "0.01")
                    @RequestParam(name = "min_cost", required = false)
                    String minCost,
            @Parameter(description = "Text in the error message, case-insensitive", example = "timeout")
                    @RequestParam(name = "error_contains", required = false)
                    String errorContains,
            HttpServletRequest request,
            HttpServletResponse response)
            throws IOException {
        var criteria = ExecutionCriteria.resolve(parameters, status, minCost, errorContains, clock);
        // the decoded path the router matched (not the raw URI, which may spell the same path otherwise)
        var format = request.getServletPath().endsWith(".jsonl") ? TableFormat.JSONL : TableFormat.CSV;
        write(caller, criteria, format, response);
    }

    private void write(Caller caller, ExecutionCriteria criteria, TableFormat format, HttpServletResponse response)
            throws IOException {
        var out = format.open(response, "executions", HEADER);
        var reading = sealedReads.start(caller.tenant());
        long rows = search.stream(
                caller.tenant(),
                criteria,
                reading,
                row -> out.line(
                        row.id(),
                        row.occurredAt(),
                        row.usageId(),
                        row.promptSlug(),
                        row.promptVersion(),
                        row.environment(),
                        row.provider(),
                        row.model(),
                        row.userIdentifier(),
                        row.sessionId(),
                        row.status(),
                        row.errorType(),
                        row.errorMessage(),
                        row.inputTokens(),
                        row.outputTokens(),
                        row.totalTokens(),
                        row.cachedInputTokens(),
                        row.reasoningTokens(),
                        row.executionTimeMs(),
                        row.pricingStatus(),
                        row.totalCost()));
        out.finish();
        String endpoint = "GET /v1/export/executions." + format.extension;
        audit.record(caller, endpoint, criteria.describe(), rows);
        reading.audit(caller, endpoint);
    }
}
