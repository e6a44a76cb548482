/**
 * The write side: consumes usages and costed executions in batches and materialises each batch in
 * one PostgreSQL transaction — raw facts (idempotent on tenant, id and event time), hourly and
 * daily rollups fed only by newly inserted facts, and the Kafka offsets with a fencing epoch per
 * partition — so duplicates, restarts and rebalances never change a number. Poison records go to
 * the dead-letter topics. {@code FactsWriter} holds the batch transaction, {@code RawFactWriter} the
 * raw facts and {@code RollupWriter} the rollups of every shape in the {@code rollup} catalogue. See
 * docs/analytics-storage.md.
 */
package dev.promptengine.analytics.facts;
