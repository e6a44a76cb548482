/** Query latency over 10 million executions: analytics' rollup-backed API vs aggregating raw tables. */
package dev.promptengine.bench.query;
