package dev.promptengine.ingest.intake;

import dev.promptengine.ingest.otlp.GenAiSpans;
import dev.promptengine.ingest.otlp.MalformedOtlpException;
import dev.promptengine.ingest.otlp.OtlpEncoding;
import dev.promptengine.ingest.otlp.OtlpMessages;
import dev.promptengine.ingest.publishing.KafkaUnavailableException;
import dev.promptengine.ingest.publishing.PublishingProperties;
import dev.promptengine.service.auth.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
    static final String MALFORMED_OTLP = "malformed-otlp";

    /** google.rpc.Code values for OTLP's Status answers. */
    private static final int INVALID_ARGUMENT = 3;

    private static final int UNAVAILABLE = 14;

    /** {@code executions[3].messages[1].content}: array, index, the event field, what follows it. */
    private static final Pattern EVENT_FIELD = Pattern.compile("(usages|executions)\\[(\\d+)\\](?:\\.([a-z_]+)(.*))?");

    private static final Logger log = LoggerFactory.getLogger(IngestProblems.class);

    private final IngestMetrics metrics;
    private final long retryAfterSeconds;

    IngestProblems(IngestMetrics metrics, PublishingProperties publishing) {
        this.metrics = metrics;
        this.retryAfterSeconds = Math.max(1, publishing.retryAfter().toSeconds());
    }

    @ExceptionHandler
    ResponseEntity<?> invalid(InvalidEventsException e, HttpServletRequest request) {
        metrics.rejected(VALIDATION_FAILED, e.events());
        var problem = problem(
                HttpStatus.BAD_REQUEST,
                VALIDATION_FAILED,
                "The request has " + e.violations().size() + " invalid field(s); nothing was published");
        problem.setProperty("errors", otlpAware(e.violations(), request));
        return answer(problem, request);
    }

    @ExceptionHandler
    ResponseEntity<?> outsideWindow(OutsideWindowException e, HttpServletRequest request) {
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
        problem.setProperty("errors", otlpAware(e.violations(), request));
        return answer(problem, request);
    }

    @ExceptionHandler
    ResponseEntity<?> malformed(MalformedJsonException e, HttpServletRequest request) {
        metrics.rejected(MALFORMED_JSON, 1);
        return answer(problem(HttpStatus.BAD_REQUEST, MALFORMED_JSON, e.getMessage()), request);
    }

    @ExceptionHandler
    ResponseEntity<?> malformedOtlp(MalformedOtlpException e, HttpServletRequest request) {
        metrics.rejected(MALFORMED_OTLP, 1);
        return answer(problem(HttpStatus.BAD_REQUEST, MALFORMED_OTLP, e.getMessage()), request);
    }

    @ExceptionHandler
    ResponseEntity<?> tooLarge(RequestTooLargeException e, HttpServletRequest request) {
        metrics.rejected(PAYLOAD_TOO_LARGE, e.events());
        return answer(problem(HttpStatus.CONTENT_TOO_LARGE, PAYLOAD_TOO_LARGE, e.getMessage()), request);
    }

    @ExceptionHandler
    ResponseEntity<?> eventTooLarge(EventsTooLargeException e, HttpServletRequest request) {
        metrics.rejected(EVENT_TOO_LARGE, e.events());
        var problem = problem(
                HttpStatus.CONTENT_TOO_LARGE,
                EVENT_TOO_LARGE,
                e.violations().size() + " event(s) encode to more than Kafka accepts for one record (" + e.limit()
                        + " bytes); nothing was published");
        problem.setProperty("limit", e.limit());
        problem.setProperty("errors", otlpAware(e.violations(), request));
        return answer(problem, request);
    }

    @ExceptionHandler
    ResponseEntity<?> unsupportedMediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        metrics.rejected(UNSUPPORTED_MEDIA_TYPE, 1);
        String supported =
                e.getSupportedMediaTypes().stream().map(MediaType::toString).collect(Collectors.joining(" or "));
        return answer(
                problem(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        UNSUPPORTED_MEDIA_TYPE,
                        "Send the body as " + (supported.isEmpty() ? "application/json" : supported) + ", not "
                                + e.getContentType()),
                request);
    }

    @ExceptionHandler
    ResponseEntity<?> unsupportedContentEncoding(UnsupportedContentEncodingException e, HttpServletRequest request) {
        metrics.rejected(UNSUPPORTED_MEDIA_TYPE, 1);
        return answer(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_MEDIA_TYPE, e.getMessage()), request);
    }

    @ExceptionHandler
    ResponseEntity<?> kafkaUnavailable(KafkaUnavailableException e, HttpServletRequest request) {
        log.warn("Answering 503: {}", e.getMessage());
        metrics.rejected(KAFKA_UNAVAILABLE, e.events());
        var problem = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                KAFKA_UNAVAILABLE,
                "Kafka did not acknowledge the events in time; none of them is accepted. Retry after "
                        + retryAfterSeconds + " s with the same ids.");
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        return answer(problem, request, headers);
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }

    /**
     * The problem as RFC 9457 JSON, or, for an OTLP request, as the {@code google.rpc.Status} OTLP/HTTP
     * requires, in the request's encoding: the detail and every violation in its message.
     */
    private static ResponseEntity<?> answer(ProblemDetail problem, HttpServletRequest request) {
        return answer(problem, request, new HttpHeaders());
    }

    private static ResponseEntity<?> answer(ProblemDetail problem, HttpServletRequest request, HttpHeaders headers) {
        var answer = ResponseEntity.status(problem.getStatus()).headers(headers);
        if (request.getAttribute(OtlpController.ENCODING) instanceof OtlpEncoding encoding) {
            var violations = new ArrayList<String>();
            if (problem.getProperties() != null && problem.getProperties().get("errors") instanceof List<?> errors) {
                for (Object error : errors) {
                    if (error instanceof Violation violation) {
                        violations.add(violation.field() + " " + violation.reason());
                    }
                }
            }
            String message = problem.getDetail() + (violations.isEmpty() ? "" : ": " + String.join("; ", violations));
            int code = problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value() ? UNAVAILABLE : INVALID_ARGUMENT;
            return answer.contentType(MediaType.parseMediaType(encoding.mediaType()))
                    .body(OtlpMessages.status(encoding, code, message));
        }
        return answer.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /**
     * For an OTLP request, violations name the span and the attribute the refused field came from
     * ({@code resourceSpans[0].scopeSpans[0].spans[2].gen_ai.usage.input_tokens}), not the event
     * field the span was turned into.
     */
    private static List<Violation> otlpAware(List<Violation> violations, HttpServletRequest request) {
        if (!(request.getAttribute(OtlpController.TRANSLATION) instanceof GenAiSpans.Translation translation)) {
            return violations;
        }
        var mapped = new ArrayList<Violation>(violations.size());
        for (Violation violation : violations) {
            Matcher event = EVENT_FIELD.matcher(violation.field());
            if (!event.matches()) {
                mapped.add(violation);
                continue;
            }
            List<String> spans =
                    event.group(1).equals("usages") ? translation.usageSpans() : translation.executionSpans();
            int index = Integer.parseInt(event.group(2));
            String span = index < spans.size() ? spans.get(index) : event.group(1) + "[" + index + "]";
            String field = event.group(3);
            String source = field == null
                    ? ""
                    : "." + GenAiSpans.source(field) + (event.group(4) == null ? "" : event.group(4));
            mapped.add(new Violation(violation.index(), span + source, violation.reason()));
        }
        return mapped;
    }
}
