/**
 * Poison records as a visible, replayable part of the product: stored exactly once with the
 * offsets that move past them ({@link dev.promptengine.analytics.deadletter.DeadLetterStore}),
 * relayed to the {@code <topic>.dlt} topics ({@link dev.promptengine.analytics.deadletter.DeadLetterRelay}),
 * listed and replayed by admins ({@link dev.promptengine.analytics.deadletter.DeadLetterController}).
 */
package dev.promptengine.analytics.deadletter;
