package dev.promptengine.ingest.intake;

import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping(path = "/v1", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
@RequiresRole(Role.PUBLISHER)
@Tag(name = "ingest", description = "Publish prompt usages and LLM executions")
@SecurityRequirement(name = "api-key")
@ApiResponse(responseCode = "202", description = "Kafka acknowledged every event of the request")
@ApiResponse(
        responseCode = "400",
        description = "Malformed JSON or invalid events; nothing was published",
        content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(ApiModel.PROBLEM)))
@ApiResponse(responseCode = "401", description = "Missing or unknown API key")
@ApiResponse(responseCode = "403", description = "The key's role is not publisher")
@ApiResponse(
        responseCode = "413",
        description = "Body or batch over its limit, or an event that encodes to more than Kafka accepts")
@ApiResponse(
        responseCode = "422",
        description = "occurred_at outside the accepted window (older than the raw retention or ahead of"
                + " the clock skew); the problem names the window")
@ApiResponse(
        responseCode = "415",
        description = "Content-Type is not application/json, or Content-Encoding is neither gzip nor identity")
@ApiResponse(responseCode = "503", description = "Kafka did not acknowledge in time; retry after Retry-After seconds")
class IngestController {

    private final RequestBodies bodies;
    private final EventReader reader;
    private final EventIntake intake;

    IngestController(RequestBodies bodies, EventReader reader, EventIntake intake) {
        this.bodies = bodies;
        this.reader = reader;
        this.intake = intake;
    }

    /** {@code 202 {"accepted": n, "ids": [...]}}: ids in request order, usages before executions. */
    record Accepted(int accepted, List<String> ids) {}

    @PostMapping("/usages")
    @Operation(
            summary = "Publish one prompt usage",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            schema = @Schema(implementation = ApiModel.Usage.class),
                                            examples = @ExampleObject(name = "usage", value = ApiModel.USAGE))))
    ResponseEntity<Accepted> usage(Caller caller, HttpServletRequest request) {
        return accept(caller, request, reader::usage, false);
    }

    @PostMapping("/executions")
    @Operation(
            summary = "Publish one LLM execution",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            schema = @Schema(implementation = ApiModel.Execution.class),
                                            examples = @ExampleObject(name = "execution", value = ApiModel.EXECUTION))))
    ResponseEntity<Accepted> execution(Caller caller, HttpServletRequest request) {
        return accept(caller, request, reader::execution, false);
    }

    @PostMapping("/events")
    @Operation(
            summary = "Publish a batch of usages and executions, all or nothing",
            description = "At most promptengine.ingest.max-batch-events events (default 1,000) and"
                    + " max-body-size (default 5 MB). Several events are committed in one Kafka"
                    + " transaction: a failure exposes none of them.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            schema = @Schema(implementation = ApiModel.Batch.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "usage and its execution",
                                                            value = ApiModel.BATCH))))
    ResponseEntity<Accepted> events(Caller caller, HttpServletRequest request) {
        return accept(caller, request, reader::batch, true);
    }

    private ResponseEntity<Accepted> accept(
            Caller caller, HttpServletRequest request, Function<JsonNode, EventReader.Events> read, boolean batch) {
        EventReader.Events events = read.apply(bodies.read(request));
        List<String> ids = intake.publish(events, caller.tenant(), batch);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Accepted(ids.size(), ids));
    }
}
