package dev.promptengine.ingest.intake;

import dev.promptengine.ingest.publishing.KafkaUnavailableException;
import dev.promptengine.ingest.publishing.PublishingProperties;
import dev.promptengine.service.auth.Problems;
import java.util.LinkedHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * RFC 9457 answers for everything the ingest endpoints refuse, each with its own problem type under
 * {@code https://promptengine.dev/problems/}. Validation problems list every violation in
 * {@code errors} as {@code {index, field, reason}}.
 */
@RestControllerAdvice
class IngestProblems {

    static final String VALIDATION_FAILED = "validation-failed";
    static final String OUTSIDE_WINDOW = "occurred-at-outside-window";
    static final String MALFORMED_JSON = "malformed-json";
    static final String PAYLOAD_TOO_LARGE = "payload-too-large";
    static final String EVENT_TOO_LARGE = "event-too-large";
    static final String UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type";
    static final String KAFKA_UNAVAILABLE = "kafka-unavailable";

    private static final Logger log = LoggerFactory.getLogger(IngestProblems.class);

    private final IngestMetrics metrics;
    private final long retryAfterSeconds;

    IngestProblems(IngestMetrics metrics, PublishingProperties publishing) {
        this.metrics = metrics;
        this.retryAfterSeconds = Math.max(1, publishing.retryAfter().toSeconds());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalid(InvalidEventsException e) {
        metrics.rejected(VALIDATION_FAILED, e.events());
        var problem = problem(
                HttpStatus.BAD_REQUEST,
                VALIDATION_FAILED,
                "The request has " + e.violations().size() + " invalid field(s); nothing was published");
        problem.setProperty("errors", e.violations());
        return answer(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> outsideWindow(OutsideWindowException e) {
        metrics.rejected(OUTSIDE_WINDOW, e.events());
        var problem = problem(
                HttpStatus.UNPROCESSABLE_CONTENT,
                OUTSIDE_WINDOW,
                "occurred_at must lie between " + e.from() + " and " + e.to()
                        + "; nothing was published. Older events are beyond the raw retention: raise"
                        + " analytics' retention and promptengine.ingest.max-event-age before a backfill.");
        var window = new LinkedHashMap<String, String>();
        window.put("from", e.from().toString());
        window.put("to", e.to().toString());
        problem.setProperty("window", window);
        problem.setProperty("errors", e.violations());
        return answer(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> malformed(MalformedJsonException e) {
        metrics.rejected(MALFORMED_JSON, 1);
        return answer(problem(HttpStatus.BAD_REQUEST, MALFORMED_JSON, e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooLarge(RequestTooLargeException e) {
        metrics.rejected(PAYLOAD_TOO_LARGE, e.events());
        return answer(problem(HttpStatus.CONTENT_TOO_LARGE, PAYLOAD_TOO_LARGE, e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> eventTooLarge(EventsTooLargeException e) {
        metrics.rejected(EVENT_TOO_LARGE, e.events());
        var problem = problem(
                HttpStatus.CONTENT_TOO_LARGE,
                EVENT_TOO_LARGE,
                e.violations().size() + " event(s) encode to more than Kafka accepts for one record (" + e.limit()
                        + " bytes); nothing was published");
        problem.setProperty("limit", e.limit());
        problem.setProperty("errors", e.violations());
        return answer(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        metrics.rejected(UNSUPPORTED_MEDIA_TYPE, 1);
        return answer(problem(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                UNSUPPORTED_MEDIA_TYPE,
                "Send the events as application/json, not " + e.getContentType()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> kafkaUnavailable(KafkaUnavailableException e) {
        log.warn("Answering 503: {}", e.getMessage());
        metrics.rejected(KAFKA_UNAVAILABLE, e.events());
        var problem = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                KAFKA_UNAVAILABLE,
                "Kafka did not acknowledge the events in time; none of them is accepted. Retry after "
                        + retryAfterSeconds + " s with the same ids.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
