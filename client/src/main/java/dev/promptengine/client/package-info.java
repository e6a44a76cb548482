/**
 * The host-side publisher: {@link dev.promptengine.client.PromptEngine} records prompt usages and
 * LLM executions on the caller's thread with a non-blocking offer to a bounded queue; one sender
 * thread batches them and delivers them over HTTP to ingest-service or as Avro straight to Kafka,
 * retrying with the same ids. Depends on {@code schemas} only; Micrometer is optional.
 */
package dev.promptengine.client;
