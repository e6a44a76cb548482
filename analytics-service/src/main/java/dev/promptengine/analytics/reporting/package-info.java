/**
 * The BI interface: the tenants' read-only PostgreSQL roles for the {@code reporting} views
 * (migration V16, docs/reporting.md), created through the audited admin API.
 */
package dev.promptengine.analytics.reporting;
