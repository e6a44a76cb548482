/**
 * CSV export of raw executions with the drill-down's filters, streamed row by row from a
 * server-side database cursor to the response, so memory stays bounded at any row count.
 */
package dev.promptengine.analytics.export;
