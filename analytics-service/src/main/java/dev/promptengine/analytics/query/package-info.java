/**
 * The read side of analytics: usage statistics, prompt performance, cost breakdown, error analysis,
 * top prompts, time series and version comparison. Aggregates are answered
 * from the daily rollups for whole days, the hourly rollups for whole hours at the edges and the raw
 * facts only for the partial hours at the very edges. Questions without a prompt or version (filter
 * or grouping) read the prompt-less summary rollups, all others the per-prompt rollups; both hold the
 * same sums and histograms (tables from the {@code rollup} catalogue). User and session filters read
 * raw facts through their indexes, as do the drill-down ({@code drilldown}) and the export. No SQL is built from request strings: filters
 * bind parameters, and {@code group_by}/{@code metric} are enums mapped to fixed SQL fragments.
 */
package dev.promptengine.analytics.query;
