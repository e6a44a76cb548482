package dev.promptengine.analytics.repricing;

import dev.promptengine.analytics.deadletter.Acknowledgements;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.Problems;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v1/repricing}: re-price stored executions with today's catalog, dry run first (admin). */
@RestController
@RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
@Tag(
        name = "Re-pricing",
        description = "Recompute stored executions' cost with today's catalog: the diff (dry run), then"
                + " corrections as events (admin)")
class RepricingController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RepricingRequest(
            @Schema(
                    description = "Event time, inclusive",
                    example = "2026-03-01T00:00:00Z",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            Instant from,

            @Schema(
                    description = "Event time, exclusive",
                    example = "2026-04-01T00:00:00Z",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            Instant to,

            @Schema(
                    description =
                            "Platform admin only: one tenant (omit for every tenant); a tenant admin re-prices its own")
            String tenant,

            @Schema(example = "anthropic") String provider,
            @Schema(example = "claude-sonnet-4-5") String model,

            @Schema(description = "Prompt slug", example = "summarize-ticket")
            String prompt,

            @Schema(description = "Only executions that are UNPRICED now (after adding a price for a new model)")
            Boolean onlyUnpriced,

            @Schema(description = "true (the default): answer the diff and change nothing", example = "true")
            Boolean dryRun) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RepricingView(
            UUID repricingId,
            boolean dryRun,

            @Schema(description = "running, planned (a dry run's answer), published (corrections sent) or failed")
            String status,

            Map<String, Object> scope,
            String requestedBy,
            Instant createdAt,
            Instant finishedAt,

            @Schema(description = "The last catalog change cost-service had applied when it quoted")
            Instant catalogAsOf,

            long executionsInScope,

            @Schema(description = "Executions whose cost changes")
            long executionsAffected,

            @Schema(
                    description = "Exact USD sum over the affected executions before (unknown cost as 0)",
                    example = "12.5")
            String oldTotalCost,

            @Schema(example = "9.75") String newTotalCost,
            @Schema(example = "-2.75") String difference,

            @Schema(description = "Corrections published to promptengine.execution.cost-correction.v1")
            long correctionsPublished,

            @Schema(description = "Corrections the write path has applied to raw facts and rollups so far")
            long correctionsApplied,

            String error,
            List<RepricingDiff.Group> byModel,
            List<RepricingDiff.Group> byPrompt,
            List<RepricingDiff.Group> byDay) {}

    private final Repricer repricer;
    private final RepricingRunRepository runs;
    private final RepricingProperties properties;

    RepricingController(Repricer repricer, RepricingRunRepository runs, RepricingProperties properties) {
        this.repricer = repricer;
        this.runs = runs;
        this.properties = properties;
    }

    @PostMapping("/v1/repricing")
    @Operation(
            summary = "Re-price stored executions",
            description = "Recomputes the cost of every stored execution of the scope with the catalog as it is"
                    + " now (cost-service's quote, the same code that prices the live stream) and answers what"
                    + " changes: executions affected, old and new total cost, by model, prompt and day. With"
                    + " dry_run=false it also publishes one correction per changed execution (revision + 1); the"
                    + " write path applies each once to raw facts and every rollup (see correctionsApplied of"
                    + " GET /v1/repricing/{id}). Audited.")
    RepricingView reprice(
            Caller caller,
            @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RequestBody RepricingRequest request) {
        Scope scope = scope(caller, request);
        boolean dryRun = request.dryRun() == null || request.dryRun();
        var result = repricer.run(caller, authorization, scope, dryRun);
        return view(result.run());
    }

    @GetMapping("/v1/repricing/{id}")
    @Operation(
            summary = "One re-pricing run",
            description = "Its scope, diff and progress: corrections published and applied so far")
    RepricingView get(Caller caller, @PathVariable String id) {
        UUID runId;
        try {
            runId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("id", "'id' must be a re-pricing id (a UUID), was '" + id + "'");
        }
        var run = runs.findById(runId)
                .filter(r ->
                        caller.role() == Role.PLATFORM_ADMIN || caller.tenant().equals(r.tenant()))
                .orElseThrow(() -> new RunNotFoundException("No re-pricing " + id + " in tenant " + caller.tenant()));
        return view(run);
    }

    private Scope scope(Caller caller, RepricingRequest request) {
        if (request.from() == null) {
            throw new InvalidParameterException("from", "'from' is required (ISO-8601 event time, inclusive)");
        }
        if (request.to() == null) {
            throw new InvalidParameterException("to", "'to' is required (ISO-8601 event time, exclusive)");
        }
        if (!request.from().isBefore(request.to())) {
            throw new InvalidParameterException("to", "'to' must be after 'from'");
        }
        if (Duration.between(request.from(), request.to()).compareTo(properties.maxRange()) > 0) {
            throw new InvalidParameterException(
                    "to",
                    "the range spans more than " + properties.maxRange().toDays()
                            + " days, the longest one re-pricing covers; split it");
        }
        String tenant;
        if (caller.role() == Role.PLATFORM_ADMIN) {
            tenant = blankToNull(request.tenant());
        } else {
            if (request.tenant() != null && !request.tenant().equals(caller.tenant())) {
                throw new RepricingForbiddenException(
                        "A tenant admin re-prices its own tenant (" + caller.tenant() + ") only");
            }
            tenant = caller.tenant();
        }
        return new Scope(
                request.from(),
                request.to(),
                tenant,
                checked("provider", request.provider()),
                checked("model", request.model()),
                checked("prompt", request.prompt()),
                Boolean.TRUE.equals(request.onlyUnpriced()));
    }

    private static String checked(String field, String value) {
        String v = blankToNull(value);
        if (v != null && v.length() > 200) {
            throw new InvalidParameterException(field, "'" + field + "' is longer than 200 characters");
        }
        return v;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static RepricingView view(RepricingRun run) {
        Map<String, Object> scope = JSON.readValue(run.scope(), new TypeReference<Map<String, Object>>() {});
        Map<String, List<RepricingDiff.Group>> diff = run.diff() == null
                ? Map.of()
                : JSON.readValue(run.diff(), new TypeReference<Map<String, List<RepricingDiff.Group>>>() {});
        return new RepricingView(
                run.id(),
                run.dryRun(),
                run.status(),
                scope,
                run.requestedBy(),
                run.createdAt(),
                run.finishedAt(),
                run.catalogAsOf(),
                run.executionsInScope(),
                run.executionsAffected(),
                run.oldTotalCost().toPlainString(),
                run.newTotalCost().toPlainString(),
                run.newTotalCost().subtract(run.oldTotalCost()).toPlainString(),
                run.correctionsPublished(),
                run.correctionsApplied(),
                run.error(),
                diff.getOrDefault("by_model", List.of()),
                diff.getOrDefault("by_prompt", List.of()),
                diff.getOrDefault("by_day", List.of()));
    }

    static final class RunNotFoundException extends RuntimeException {
        RunNotFoundException(String message) {
            super(message);
        }
    }

    static final class RepricingForbiddenException extends RuntimeException {
        RepricingForbiddenException(String message) {
            super(message);
        }
    }

    @ExceptionHandler(RunNotFoundException.class)
    ProblemDetail notFound(RunNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", e.getMessage());
    }

    @ExceptionHandler(RepricingForbiddenException.class)
    ProblemDetail forbidden(RepricingForbiddenException e) {
        var problem = problem(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
        problem.setProperty("parameter", "tenant");
        return problem;
    }

    /** cost-service refused the quote (its 4xx is passed on) or could not answer (502); nothing was changed. */
    @ExceptionHandler(PriceQuotes.QuoteFailedException.class)
    ProblemDetail quoteFailed(PriceQuotes.QuoteFailedException e) {
        int status = e.status();
        HttpStatus answer =
                status == 400 || status == 401 || status == 403 ? HttpStatus.valueOf(status) : HttpStatus.BAD_GATEWAY;
        return problem(answer, "pricing-unavailable", e.getMessage());
    }

    @ExceptionHandler(Acknowledgements.BrokerUnavailableException.class)
    ProblemDetail brokerUnavailable(Acknowledgements.BrokerUnavailableException e) {
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "broker-unavailable",
                e.getMessage() + "; the corrections acknowledged so far will be applied, run the same re-pricing again"
                        + " to finish (applied executions are not changed twice)");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        var problem = problem(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                "The body must be a JSON object {\"from\", \"to\", \"tenant\", \"provider\", \"model\", \"prompt\","
                        + " \"only_unpriced\", \"dry_run\"} with ISO-8601 times");
        problem.setTitle("Invalid parameter");
        problem.setProperty("parameter", "body");
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        return problem;
    }
}
