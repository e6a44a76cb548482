/**
 * The read side of analytics: usage statistics, prompt performance, cost breakdown, error analysis,
 * top prompts, time series, version comparison and the execution drill-down. Aggregates are answered
 * from the daily rollups for whole days, the hourly rollups for whole hours at the edges and the raw
 * facts only for the partial hours at the very edges. Questions without a prompt or version (filter
 * or grouping) read the prompt-less summary rollups, all others the per-prompt rollups; both hold the
 * same sums and histograms. User and session filters, the drill-down and
 * the export read raw facts through their indexes. No SQL is built from request strings: filters
 * bind parameters, and {@code group_by}/{@code metric} are enums mapped to fixed SQL fragments.
 */
package dev.promptengine.analytics.query;
