/**
 * Recomputing rollups (per prompt and the prompt-less summaries) of a time range from the raw facts:
 * the {@code rebuild-rollups} command and its admin HTTP endpoint.
 */
package dev.promptengine.analytics.rebuild;
