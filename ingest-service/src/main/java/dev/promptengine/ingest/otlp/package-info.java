/**
 * OTLP/HTTP traces as input: decoding an {@code ExportTraceServiceRequest} (protobuf or OTLP's JSON
 * encoding), turning OpenTelemetry GenAI spans into the JSON events ingest already validates, and
 * encoding OTLP's answers. Knows nothing of HTTP, Kafka or validation; intake drives it.
 */
package dev.promptengine.ingest.otlp;
