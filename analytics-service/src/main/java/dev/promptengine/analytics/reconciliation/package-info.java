/**
 * Reconciliation of what we computed with what the provider says: {@code GET
 * /v1/analytics/reconciliation} compares the catalog-computed and the provider-reported cost of
 * each execution that has both (by provider, model and UTC day, and the executions that drift
 * most), and {@code /v1/analytics/reconciliation/imports} stores a provider's billing export (OpenAI
 * or Anthropic CSV) and compares its daily lines with the costs in our raw facts. Explicit SQL over
 * {@code execution_fact} (partition-pruned by {@code occurred_at}); import records through a Spring
 * Data JDBC repository. The CSV column mapping is in docs/reconciliation.md.
 */
package dev.promptengine.analytics.reconciliation;
