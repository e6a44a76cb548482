/**
 * Cost enrichment: consumes executions, prices them at their event time from the in-memory lookup
 * table and produces costed executions inside Kafka transactions (exactly once); records that
 * cannot be decoded or processed go to the dead-letter topic with the reason in headers.
 */
package dev.promptengine.cost.enrichment;
