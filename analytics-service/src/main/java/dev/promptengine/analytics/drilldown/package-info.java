/**
 * The execution drill-down: {@code GET /v1/executions} (keyset-paged raw executions with the query
 * filters plus status, minimum cost and error text) and {@code GET /v1/executions/{id}} (one
 * execution with its usage, messages, response and cost breakdown). It reads raw facts through
 * their indexes, never rollups; the CSV export ({@code export}) pages through the same search.
 */
package dev.promptengine.analytics.drilldown;
