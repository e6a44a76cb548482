package dev.promptengine.analytics.drilldown;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.filter.QueryFilter;
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

/**
 * What one conversation or one end user did, and every render: sessions ({@code session_id}),
 * users ({@code user_identifier}) and usages, from raw facts, for the caller's tenant only.
 */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "sessions", description = "Sessions, end users and usages (renders): drill-down (analyst)")
class SessionsController {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record SessionPage(
            Instant from,
            Instant to,

            @Schema(description = "Most recently active first")
            List<SessionSearch.Summary> sessions,

            @Schema(description = "Pass as `cursor` for the next page; null on the last page")
            String nextCursor) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record UserAnswer(
            Instant from,
            Instant to,

            @Schema(description = "Everything the user did in the range, in sessions or not")
            SessionSearch.Summary total,

            @Schema(description = "The user's sessions, most recently active first")
            List<SessionSearch.Summary> sessions,

            String nextCursor) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record UsagePage(
            Instant from,
            Instant to,
            @Schema(description = "Newest first") List<UsageSearch.UsageRow> usages,

            @Schema(description = "Pass as `cursor` for the next page; null on the last page")
            String nextCursor) {}

    private final Clock clock;
    private final AuditTrail audit;
    private final SessionSearch sessions;
    private final UsageSearch usages;
    private final SealedReads sealedReads;

    SessionsController(
            Clock clock, AuditTrail audit, SessionSearch sessions, UsageSearch usages, SealedReads sealedReads) {
        this.clock = clock;
        this.sealedReads = sealedReads;
        this.audit = audit;
        this.sessions = sessions;
        this.usages = usages;
    }

    @GetMapping("/v1/sessions")
    @Operation(
            summary = "Sessions",
            description = "Sessions with events in the range (default: the last 7 days), most recently active first:"
                    + " renders, executions, errors, tokens, exact cost and unpriced executions per session."
                    + " Provider or model keeps the sessions with a matching execution.")
    SessionPage sessions(
            Caller caller,
            @ParameterObject FilterParameters parameters,
            @Parameter(description = "Page size, 1..500", schema = @Schema(defaultValue = "50"))
                    @RequestParam(defaultValue = "50")
                    String limit,
            @Parameter(description = "`next_cursor` of the previous page") @RequestParam(required = false)
                    String cursor) {
        QueryFilter filter = parameters.resolve(clock, ExecutionCriteria.DEFAULT_RANGE);
        int size = FilterParameters.integer("limit", limit, 1, 500);
        var page = sessions.page(
                caller.tenant(), filter, size, cursor == null ? null : SessionSearch.Cursor.decode(cursor));
        audit.record(
                caller,
                "GET /v1/sessions",
                described(filter, size, cursor),
                page.sessions().size());
        return new SessionPage(
                filter.from(),
                filter.to(),
                page.sessions(),
                page.next() == null ? null : page.next().encode());
    }

    @GetMapping("/v1/sessions/{sessionId}")
    @Operation(
            summary = "One session",
            description = "Every usage and execution of the session, oldest first (at most 1,000; `truncated` says"
                    + " when there are more), with tokens, latency, cost, status and content; 404 when the caller's"
                    + " tenant has no such session.")
    SessionSearch.Session session(Caller caller, @PathVariable String sessionId) {
        var reading = sealedReads.start(caller.tenant());
        var session = sessions.session(caller.tenant(), sessionId, reading)
                .orElseThrow(() -> new QueryProblems.NotFoundException("No session " + sessionId));
        audit.record(
                caller,
                "GET /v1/sessions/{id}",
                Map.of("session", sessionId),
                session.events().size());
        reading.audit(caller, "GET /v1/sessions/{id}");
        return session;
    }

    @GetMapping("/v1/users/{userIdentifier}")
    @Operation(
            summary = "One end user",
            description = "What the user did in the range (default: the last 7 days), with or without sessions, and"
                    + " their sessions; 404 when the caller's tenant has nothing of this user in the range.")
    UserAnswer user(
            Caller caller,
            @PathVariable String userIdentifier,
            @ParameterObject FilterParameters parameters,
            @Parameter(description = "Page size of the sessions, 1..500", schema = @Schema(defaultValue = "50"))
                    @RequestParam(defaultValue = "50")
                    String limit,
            @Parameter(description = "`next_cursor` of the previous page") @RequestParam(required = false)
                    String cursor) {
        QueryFilter resolved = parameters.resolve(clock, ExecutionCriteria.DEFAULT_RANGE);
        if (resolved.user() != null && !resolved.user().equals(userIdentifier)) {
            throw new InvalidParameterException("user", "'user' must be absent or equal the path's user");
        }
        var filter = new QueryFilter(
                resolved.from(),
                resolved.to(),
                resolved.prompt(),
                resolved.version(),
                resolved.environment(),
                resolved.provider(),
                resolved.model(),
                userIdentifier,
                resolved.session());
        int size = FilterParameters.integer("limit", limit, 1, 500);
        var total = sessions.user(caller.tenant(), filter)
                .orElseThrow(() -> new QueryProblems.NotFoundException(
                        "No events of user " + userIdentifier + " from " + filter.from() + " to " + filter.to()));
        var page = sessions.page(
                caller.tenant(), filter, size, cursor == null ? null : SessionSearch.Cursor.decode(cursor));
        audit.record(
                caller,
                "GET /v1/users/{id}",
                described(filter, size, cursor),
                page.sessions().size());
        return new UserAnswer(
                filter.from(),
                filter.to(),
                total,
                page.sessions(),
                page.next() == null ? null : page.next().encode());
    }

    @GetMapping("/v1/usages")
    @Operation(
            summary = "Usages (renders)",
            description = "Raw usages matching the filters (provider and model do not apply to renders), newest first,"
                    + " each with the executions made from it; `has_execution=false` lists renders that never reached an"
                    + " LLM. Default range: the last 7 days.")
    UsagePage usages(
            Caller caller,
            @ParameterObject FilterParameters parameters,
            @Parameter(description = "true: only renders with an execution; false: only renders without one")
                    @RequestParam(name = "has_execution", required = false)
                    String hasExecution,
            @Parameter(description = "Page size, 1..500", schema = @Schema(defaultValue = "50"))
                    @RequestParam(defaultValue = "50")
                    String limit,
            @Parameter(description = "`next_cursor` of the previous page") @RequestParam(required = false)
                    String cursor) {
        QueryFilter filter = parameters.resolve(clock, ExecutionCriteria.DEFAULT_RANGE);
        if (filter.filtersExecutionOnlyDimensions()) {
            throw new InvalidParameterException(
                    filter.provider() != null ? "provider" : "model",
                    "usages (renders) have no provider or model; filter executions instead");
        }
        Boolean withExecution = bool("has_execution", hasExecution);
        int size = FilterParameters.integer("limit", limit, 1, 500);
        var page = usages.page(
                caller.tenant(),
                filter,
                withExecution,
                size,
                cursor == null ? null : ExecutionSearch.Cursor.decode(cursor));
        Map<String, Object> described = described(filter, size, cursor);
        if (withExecution != null) {
            described.put("has_execution", withExecution);
        }
        audit.record(caller, "GET /v1/usages", described, page.rows().size());
        return new UsagePage(
                filter.from(),
                filter.to(),
                page.rows(),
                page.next() == null ? null : page.next().encode());
    }

    @GetMapping("/v1/usages/{id}")
    @Operation(
            summary = "One usage",
            description = "The render with its parameters, content and the executions made from it; 404 when it is not"
                    + " in the caller's tenant.")
    UsageSearch.UsageDetail usage(Caller caller, @PathVariable UUID id) {
        var reading = sealedReads.start(caller.tenant());
        var usage = usages.find(caller.tenant(), id, reading)
                .orElseThrow(() -> new QueryProblems.NotFoundException("No usage " + id));
        audit.record(caller, "GET /v1/usages/{id}", Map.of("id", id.toString()), 1);
        reading.audit(caller, "GET /v1/usages/{id}");
        return usage;
    }

    private static Map<String, Object> described(QueryFilter filter, int size, String cursor) {
        Map<String, Object> described = filter.describe();
        described.put("limit", size);
        if (cursor != null) {
            described.put("cursor", cursor);
        }
        return described;
    }

    private static Boolean bool(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new InvalidParameterException(name, "'" + name + "' must be true or false, was '" + value + "'");
        };
    }
}
