package dev.promptengine.analytics.reconciliation;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/analytics/reconciliation}: our catalog cost against the cost providers reported per
 * execution, and provider billing exports against our facts. Every answer is audited.
 */
@RestController
@Tag(name = "reconciliation", description = "Catalog cost vs. provider-reported cost, and provider bills vs. our facts")
class ReconciliationController {

    static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    static final int MAX_LIMIT = 100;
    private static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");

    private final Clock clock;
    private final AuditTrail audit;
    private final DriftReport drift;
    private final Imports imports;

    ReconciliationController(Clock clock, AuditTrail audit, DriftReport drift, Imports imports) {
        this.clock = clock;
        this.audit = audit;
        this.drift = drift;
        this.imports = imports;
    }

    @GetMapping("/v1/analytics/reconciliation")
    @RequiresRole({Role.ANALYST, Role.ADMIN})
    @Operation(
            summary = "Catalog vs. provider-reported cost",
            description = "Over the executions that carry both a catalog-computed and a provider-reported cost: sums"
                    + " and drift (provider − catalog) by UTC day, provider and model, totals, how many executions"
                    + " have only one of the two, and the executions with the largest absolute drift. Raw facts, so"
                    + " at most the raw retention (90 days by default) back. Default range: the last 30 days.")
    DriftReport.Reconciliation reconciliation(
            Caller caller,
            @Parameter(
                            description = "How many executions in largest_drift, 1..100",
                            schema = @Schema(defaultValue = "10"))
                    @RequestParam(defaultValue = "10")
                    String limit,
            @ParameterObject FilterParameters parameters) {
        QueryFilter filter = parameters.resolve(clock, DEFAULT_RANGE);
        int size = FilterParameters.integer("limit", limit, 1, MAX_LIMIT);
        var answer = drift.answer(caller.tenant(), filter, size);
        var described = new LinkedHashMap<String, Object>(filter.describe());
        described.put("limit", size);
        audit.record(
                caller,
                "GET /v1/analytics/reconciliation",
                described,
                answer.days().size());
        return answer;
    }

    // no `consumes`: a request of the wrong role must answer 403 whatever its Content-Type, so the
    // media type is checked here, after the role (415 problem otherwise)
    @PostMapping("/v1/analytics/reconciliation/imports")
    @ResponseStatus(HttpStatus.CREATED)
    @RequiresRole(Role.ADMIN)
    @Operation(
            summary = "Import a provider billing export",
            description = "Stores the cost lines of an OpenAI or Anthropic CSV cost export (columns:"
                    + " docs/reconciliation.md) for the caller's tenant and answers, per UTC day and model, the billed"
                    + " cost next to our cost for that provider. Refused whole (nothing stored) for a missing column,"
                    + " a bad value (line and column named), an unknown format or a body over the limit (5 MB by"
                    + " default).",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "text/csv",
                                            examples =
                                                    @ExampleObject(
                                                            name = "openai",
                                                            value = "start_time,end_time,start_time_iso,end_time_iso,"
                                                                    + "amount_value,amount_currency,line_item,project_id\n"
                                                                    + "1795478400,1795564800,2026-11-24T00:00:00+00:00,"
                                                                    + "2026-11-25T00:00:00+00:00,0.0125,usd,"
                                                                    + "\"gpt-4o-2024-08-06, input\",proj_abc\n"))))
    ImportComparison.Comparison importExport(
            @Parameter(hidden = true) Caller caller,
            @Parameter(
                            description = "Which export the body is",
                            schema = @Schema(allowableValues = {"openai", "anthropic"}))
                    @RequestParam
                    String format,
            @Parameter(hidden = true) @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false)
                    String contentType,
            HttpServletRequest request)
            throws IOException {
        if (!isCsv(contentType)) {
            throw new ReconciliationProblems.NotCsvException(
                    "The body must be the CSV export with 'Content-Type: text/csv', was "
                            + (contentType == null ? "none" : "'" + contentType + "'"));
        }
        return imports.importExport(caller, format, request.getInputStream());
    }

    private static boolean isCsv(String contentType) {
        try {
            return contentType != null && TEXT_CSV.isCompatibleWith(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    @GetMapping("/v1/analytics/reconciliation/imports/{id}")
    @RequiresRole({Role.ANALYST, Role.ADMIN})
    @Operation(
            summary = "One import, compared again",
            description = "The answer of the import, recomputed against our facts as they are now (late events count).")
    ImportComparison.Comparison importById(Caller caller, @PathVariable String id) {
        return imports.read(caller, id);
    }
}
