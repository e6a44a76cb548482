/**
 * Cost enrichment: consumes executions, prices them at their event time from the in-memory lookup
 * table (tenant layer, default catalog, discount, provider-reported cost) and produces costed
 * executions inside Kafka transactions (exactly once); records that cannot be decoded or processed
 * go to the dead-letter topic with the reason in headers. The quote endpoint prices executions by
 * the same code.
 */
package dev.promptengine.cost.enrichment;
