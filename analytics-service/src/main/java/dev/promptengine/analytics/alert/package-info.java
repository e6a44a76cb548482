/**
 * Alert rules per tenant ({@code /v1/alerts/rules}), their evaluation on a schedule from the rollups
 * (one evaluator at a time, by a PostgreSQL advisory lock; the reads of a cycle batched per tenant and
 * range), thresholds, changes, budgets and anomalies (median/MAD of the same hour of the week), the state machine ok → pending → firing
 * → resolved with its history, and the notifications of each transition: an {@code Alert} event on
 * {@code promptengine.alert.v1} and a signed webhook, each from an outbox written in the
 * transaction of the transition (docs/alerts.md).
 */
package dev.promptengine.analytics.alert;
