/**
 * The HTTP front door: {@code POST /v1/usages}, {@code /v1/executions} and {@code /v1/events}. Reads
 * and validates the JSON (every error of a request at once, with field, reason and batch index),
 * stamps the caller's tenant and the receive time, applies the privacy rules, hands the events to
 * publishing and answers 202 only after Kafka has acknowledged all of them.
 */
package dev.promptengine.ingest.intake;
