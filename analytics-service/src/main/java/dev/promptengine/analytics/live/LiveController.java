package dev.promptengine.analytics.live;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.drilldown.ExecutionCriteria;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The push channel of the dashboard: Server-Sent Events for the caller's tenant and filters. */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "live", description = "Live updates pushed as Server-Sent Events (analyst)")
class LiveController {

    /** The dashboard's range presets: a preset moves with time, from/to stay fixed. */
    static final Map<String, Duration> PRESETS = Map.of(
            "1h", Duration.ofHours(1),
            "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7),
            "30d", Duration.ofDays(30),
            "90d", Duration.ofDays(90));

    private final LiveHub hub;
    private final AuditTrail audit;
    private final Clock clock;

    LiveController(LiveHub hub, AuditTrail audit, Clock clock) {
        this.hub = hub;
        this.audit = audit;
        this.clock = clock;
    }

    @GetMapping(path = "/v1/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "Live updates (Server-Sent Events)",
            description = "`ready` on connect, then a `snapshot` event (the usage-stats answer and the newest 50"
                    + " executions for these filters) within about a second of each committed batch that changed the"
                    + " caller's tenant's facts, at most one per second. At most every 5 s a snapshot also carries"
                    + " `charts` (the overview's series, bucket hour up to two days else day, top prompts and error"
                    + " analysis: the same answers as /v1/analytics) with `charts_changed_at`; when commits stop, one"
                    + " more snapshot brings the charts up to date (its `changed_at` is null). Subscribers with the"
                    + " same tenant and filters share one computation. Reconnect after a drop and reload once:"
                    + " snapshots are whole, not deltas.")
    SseEmitter live(
            Caller caller,
            @Parameter(
                            description = "A preset that moves with time (1h, 24h, 7d, 30d, 90d) instead of from/to",
                            schema = @Schema(allowableValues = {"1h", "24h", "7d", "30d", "90d"}))
                    @RequestParam(required = false)
                    String range,
            @ParameterObject FilterParameters parameters)
            throws IOException {
        Duration span = null;
        if (range != null) {
            span = PRESETS.get(range);
            if (span == null) {
                throw new InvalidParameterException(
                        "range", "'range' must be one of 1h, 24h, 7d, 30d, 90d; got '" + range + "'");
            }
            if (parameters.from() != null || parameters.to() != null) {
                throw new InvalidParameterException("range", "'range' and from/to exclude each other");
            }
        }
        var subscription = new LiveHub.Subscription(caller.tenant(), span, parameters);
        // validates the filters now: a bad one answers 400 instead of a stream that never sends
        var criteria = ExecutionCriteria.resolve(subscription.at(clock.instant()), null, null, null, clock);
        var described = criteria.filter().describe();
        if (range != null) {
            described.put("range", range);
        }
        audit.record(caller, "GET /v1/live", described, 0);
        return hub.subscribe(subscription);
    }
}
