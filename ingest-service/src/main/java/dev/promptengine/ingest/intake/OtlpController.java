package dev.promptengine.ingest.intake;

import dev.promptengine.ingest.otlp.GenAiSpans;
import dev.promptengine.ingest.otlp.OtlpEncoding;
import dev.promptengine.ingest.otlp.OtlpMessages;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OTLP/HTTP's trace endpoint: GenAI model-call spans become a usage and an execution each and take
 * the path of {@code POST /v1/events} (validation, redaction, all or nothing, answered only once
 * Kafka acknowledged them); other spans are ignored and counted. OTLP/HTTP answers success with 200
 * (not 202) and an {@code ExportTraceServiceResponse}, refusals with a {@code google.rpc.Status},
 * both in the request's encoding ({@link IngestProblems} renders the refusals).
 */
@RestController
@RequiresRole(Role.PUBLISHER)
@Tag(name = "otlp", description = "OpenTelemetry GenAI spans over OTLP/HTTP")
@SecurityRequirement(name = "api-key")
class OtlpController {

    /** Request attributes that tell {@link IngestProblems} to answer in OTLP's terms. */
    static final String ENCODING = OtlpController.class.getName() + ".encoding";

    static final String TRANSLATION = OtlpController.class.getName() + ".translation";

    private static final String PROTOBUF = "application/x-protobuf";

    private final RequestBodies bodies;
    private final EventReader reader;
    private final EventIntake intake;
    private final IngestMetrics metrics;
    private final int maxSpans;

    OtlpController(
            RequestBodies bodies,
            EventReader reader,
            EventIntake intake,
            IngestMetrics metrics,
            IngestProperties limits) {
        this.bodies = bodies;
        this.reader = reader;
        this.intake = intake;
        this.metrics = metrics;
        this.maxSpans = limits.maxBatchEvents();
    }

    @PostMapping(
            path = "/v1/traces",
            consumes = {PROTOBUF, MediaType.APPLICATION_JSON_VALUE},
            produces = {PROTOBUF, MediaType.APPLICATION_JSON_VALUE})
    @Operation(
            summary = "Export traces (OTLP/HTTP): GenAI model-call spans are recorded as usages and executions",
            description = "An ExportTraceServiceRequest in protobuf (application/x-protobuf) or OTLP/JSON"
                    + " (application/json), optionally gzip-encoded. Spans with gen_ai.operation.name chat,"
                    + " text_completion, generate_content or embeddings (or, without an operation, a"
                    + " gen_ai provider and model) become one usage and one execution each, with ids"
                    + " derived from trace and span id; every other span is ignored and counted. At most"
                    + " promptengine.ingest.max-batch-events model-call spans per request. The mapping:"
                    + " docs/otlp.md.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = {@Content(mediaType = PROTOBUF), @Content(mediaType = "application/json")}))
    @ApiResponse(
            responseCode = "200",
            description = "Kafka acknowledged every event of the request; partial_success.error_message says"
                    + " how many spans were ignored as not GenAI model calls")
    @ApiResponse(
            responseCode = "400",
            description = "Not an ExportTraceServiceRequest, or a span that makes an invalid event (the"
                    + " google.rpc.Status message names the span and attribute); nothing was published")
    @ApiResponse(responseCode = "401", description = "Missing or unknown API key")
    @ApiResponse(responseCode = "403", description = "The key's role is not publisher")
    @ApiResponse(responseCode = "413", description = "Body, inflated body or span count over its limit")
    @ApiResponse(responseCode = "415", description = "Neither protobuf nor JSON, or an unsupported Content-Encoding")
    @ApiResponse(responseCode = "422", description = "A span starts outside the accepted window")
    @ApiResponse(
            responseCode = "503",
            description = "Kafka did not acknowledge in time; retry after Retry-After seconds")
    ResponseEntity<byte[]> traces(Caller caller, HttpServletRequest request) {
        OtlpEncoding encoding = OtlpEncoding.of(request.getContentType());
        request.setAttribute(ENCODING, encoding);
        var traces = OtlpMessages.request(bodies.bytes(request), encoding);
        GenAiSpans.Translation translation = GenAiSpans.translate(traces);
        request.setAttribute(TRANSLATION, translation);
        metrics.spans(translation.modelCallSpans(), translation.ignoredSpans());
        if (translation.modelCallSpans() > maxSpans) {
            throw new RequestTooLargeException(
                    "An OTLP request may carry at most " + maxSpans
                            + " GenAI model-call spans (promptengine.ingest.max-batch-events); this one has "
                            + translation.modelCallSpans(),
                    translation.modelCallSpans());
        }
        if (translation.modelCallSpans() > 0) {
            EventReader.Events events = reader.batch(translation.batch(), 2 * maxSpans);
            intake.publish(events, caller.tenant(), true);
        }
        String warning = translation.ignoredSpans() == 0
                ? null
                : translation.ignoredSpans() + " of " + translation.spans()
                        + " spans are not GenAI model calls and were not recorded";
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(encoding.mediaType()))
                .body(OtlpMessages.response(encoding, warning));
    }
}
