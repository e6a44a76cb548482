package dev.promptengine.analytics.deadletter;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.Problems;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Dead letters for admins: a tenant admin sees and replays its tenant's, a platform admin every
 * tenant's and those of no known tenant (undecodable records). Both actions land in the audit trail.
 */
@RestController
@RequiresRole({Role.ADMIN, Role.PLATFORM_ADMIN})
@Tag(name = "dead letters", description = "Records the pipeline could not count: list, count, replay (admin)")
class DeadLetterController {

    private static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Entry(
            long id,
            Instant deadLetteredAt,
            String topic,
            int partition,
            long offset,
            String tenant,
            UUID eventId,
            String eventType,
            String kind,
            String reason,
            Instant publishedAt,
            Instant replayedAt) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Page(Instant from, Instant to, List<Entry> deadLetters, Long nextBeforeId) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Counts(Instant from, Instant to, List<DeadLetterStore.Count> counts) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Replay(String topic, Instant since, int replayed, List<Long> ids) {}

    private final DeadLetterStore store;
    private final DeadLetterReplayer replayer;
    private final AuditTrail audit;
    private final AnalyticsProperties properties;
    private final Clock clock;

    DeadLetterController(
            DeadLetterStore store,
            DeadLetterReplayer replayer,
            AuditTrail audit,
            AnalyticsProperties properties,
            Clock clock) {
        this.store = store;
        this.replayer = replayer;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/v1/admin/dead-letters")
    @Operation(
            summary = "Dead letters",
            description = "Records the pipeline could not count, newest first, with where they came from and"
                    + " why; page with `before_id` = the previous page's `next_before_id`. Default range: the"
                    + " last 7 days.")
    Page list(
            Caller caller,
            @Parameter(description = "Start (inclusive), ISO-8601 or date") @RequestParam(required = false) String from,
            @Parameter(description = "End (exclusive), ISO-8601 or date") @RequestParam(required = false) String to,
            @Parameter(description = "Source topic, e.g. promptengine.usage.v1") @RequestParam(required = false)
                    String topic,
            @Parameter(
                            description = "Kind of reason: undecodable, unexpected_type, invalid_field,"
                                    + " outside_window, rejected_by_database")
                    @RequestParam(required = false)
                    String kind,
            @Parameter(description = "Entries per page, 1..1000") @RequestParam(defaultValue = "100") String limit,
            @Parameter(description = "Only entries with a smaller id (keyset paging)")
                    @RequestParam(name = "before_id", required = false)
                    String beforeId) {
        var range = range(from, to);
        int size = FilterParameters.integer("limit", limit, 1, 1000);
        Long before =
                beforeId == null ? null : (long) FilterParameters.integer("before_id", beforeId, 1, Integer.MAX_VALUE);
        var rows = store.page(
                scope(caller), topic == null ? null : topic(topic), kind, range.from(), range.to(), before, size + 1);
        Long next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = rows.get(size - 1).id();
        }
        var filters = new LinkedHashMap<String, Object>(range.describe());
        filters.put("limit", size);
        put(filters, "topic", topic);
        put(filters, "kind", kind);
        put(filters, "before_id", before);
        audit.record(caller, "GET /v1/admin/dead-letters", filters, rows.size());
        return new Page(
                range.from(),
                range.to(),
                rows.stream()
                        .map(r -> new Entry(
                                r.id(),
                                r.deadLetteredAt(),
                                r.letter().topic(),
                                r.letter().partition(),
                                r.letter().offset(),
                                r.letter().tenant(),
                                r.letter().eventId(),
                                r.letter().eventType(),
                                r.letter().kind(),
                                r.letter().reason(),
                                r.publishedAt(),
                                r.replayedAt()))
                        .toList(),
                next);
    }

    @GetMapping("/v1/admin/dead-letters/counts")
    @Operation(
            summary = "Dead letters by topic, tenant and kind",
            description = "Counts (and how many were replayed) over a range; default: the last 7 days.")
    Counts counts(
            Caller caller, @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        var range = range(from, to);
        var counts = store.counts(scope(caller), range.from(), range.to());
        audit.record(caller, "GET /v1/admin/dead-letters/counts", range.describe(), counts.size());
        return new Counts(range.from(), range.to(), counts);
    }

    @PostMapping("/v1/admin/dead-letters/replay")
    @Operation(
            summary = "Replay dead letters",
            description = "Sends the not yet replayed dead letters of `topic` dead-lettered since `since` back"
                    + " to that topic, oldest first, at most `limit` per call. Acceptable records are counted"
                    + " exactly once (the event id deduplicates); records still unacceptable become new dead"
                    + " letters.")
    Replay replay(
            Caller caller,
            @Parameter(description = "Source topic (one the analytics service consumes)", required = true) @RequestParam
                    String topic,
            @Parameter(description = "Dead-lettered at or after, ISO-8601 or date", required = true) @RequestParam
                    String since,
            @Parameter(description = "Records per call, 1..10000") @RequestParam(defaultValue = "1000") String limit) {
        String source = topic(topic);
        Instant from = range(since, null).from();
        int size = FilterParameters.integer("limit", limit, 1, 10_000);
        var replayed = replayer.replay(scope(caller), source, from, size);
        var filters = new LinkedHashMap<String, Object>();
        filters.put("topic", source);
        filters.put("since", from.toString());
        filters.put("limit", size);
        filters.put("ids", replayed.ids());
        audit.record(caller, "POST /v1/admin/dead-letters/replay", filters, replayed.count());
        return new Replay(source, from, replayed.count(), replayed.ids());
    }

    @ExceptionHandler(Acknowledgements.BrokerUnavailableException.class)
    ProblemDetail brokerUnavailable(Acknowledgements.BrokerUnavailableException e) {
        var problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE, e.getMessage() + "; nothing was marked replayed, retry");
        problem.setType(Problems.type("kafka-unavailable"));
        return problem;
    }

    /** Null (every tenant) for a platform admin, else the caller's tenant. */
    private static String scope(Caller caller) {
        return caller.role() == Role.PLATFORM_ADMIN ? null : caller.tenant();
    }

    private String topic(String topic) {
        var consumed = List.of(
                properties.topics().usage(),
                properties.topics().executionCosted(),
                properties.topics().execution());
        if (!consumed.contains(topic)) {
            throw new InvalidParameterException(
                    "topic", "'topic' must be one of " + consumed + ", was '" + topic + "'");
        }
        return topic;
    }

    private dev.promptengine.analytics.filter.QueryFilter range(String from, String to) {
        return new FilterParameters(from, to, null, null, null, null, null, null, null).resolve(clock, DEFAULT_RANGE);
    }

    private static void put(LinkedHashMap<String, Object> filters, String name, Object value) {
        if (value != null) {
            filters.put(name, value);
        }
    }
}
