/**
 * Exports of raw facts with the drill-down's filters: executions as CSV, usages as CSV or JSON
 * Lines, streamed row by row from a server-side database cursor to the response, so memory stays
 * bounded at any row count.
 */
package dev.promptengine.analytics.export;
