/**
 * Native range partitions of the analytics tables: created ahead on a schedule and on demand for
 * late events, dropped whole for retention; and the advisory lock that keeps rollup rebuilds and
 * live batches apart.
 */
package dev.promptengine.analytics.partition;
