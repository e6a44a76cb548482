/**
 * Re-pricing ({@code POST /v1/repricing}, docs/pricing.md): recomputes the cost of stored executions
 * with today's catalog (cost-service's quote endpoint, the enrichment's own code path), answers the
 * diff, and on apply publishes one {@code CostCorrection} per changed execution to the correction
 * topic, which the write path ({@code facts.CorrectionWriter}) applies once to raw facts and rollups.
 */
package dev.promptengine.analytics.repricing;
