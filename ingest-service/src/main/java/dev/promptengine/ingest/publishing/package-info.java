/**
 * Puts a request's events on Kafka and says whether Kafka acknowledged all of them: one event through
 * the shared idempotent producer, several events in one Kafka transaction (group-committed with
 * other requests by a few transaction lanes), so a failure never exposes part of a batch to
 * read_committed consumers. Bounded waits turn an unreachable broker into
 * {@link dev.promptengine.ingest.publishing.KafkaUnavailableException}.
 */
package dev.promptengine.ingest.publishing;
