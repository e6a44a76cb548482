/**
 * Live updates pushed to dashboards (Server-Sent Events on {@code GET /v1/live}): the batch
 * transaction announces the tenants it changed with PostgreSQL {@code NOTIFY}
 * ({@link dev.promptengine.analytics.facts.CommitAnnouncer}) (delivered on commit,
 * to every analytics-service instance), {@link dev.promptengine.analytics.live.CommitListener}
 * listens, and {@link dev.promptengine.analytics.live.LiveHub} answers each group of subscribers
 * with the same tenant and filters with one query per tick.
 */
package dev.promptengine.analytics.live;
