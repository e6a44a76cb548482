/**
 * The audit trail of the query API: every answered query and export is recorded (who, when, which
 * endpoint, the filters, how many rows were returned), and {@code admin} keys read their tenant's
 * trail at {@code GET /v1/audit}.
 */
package dev.promptengine.analytics.audit;
