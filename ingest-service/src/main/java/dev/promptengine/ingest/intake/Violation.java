package dev.promptengine.ingest.intake;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One reason a request was rejected: the field (a path such as {@code executions[3].input_tokens}),
 * why, and for batches the event's index in its array.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Violation(Integer index, String field, String reason) {}
