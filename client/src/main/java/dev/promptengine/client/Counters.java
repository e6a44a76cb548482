package dev.promptengine.client;

import java.util.concurrent.atomic.LongAdder;

/**
 * The client's outcomes: sent (acknowledged), retried (resent after a failure), dropped (queue
 * full, recorded after close, or unsent at close's deadline), rejected (refused for good). Events
 * that entered the queue are {@code accepted}; each ends as sent, rejected or dropped
 * ({@code settled}), so {@code accepted - settled} is what the client still holds.
 */
final class Counters {

    final LongAdder sent = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder rejected = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder settled = new LongAdder();

    void accepted() {
        accepted.increment();
    }

    /** Queued events acknowledged by the pipeline. */
    void sent(int events) {
        sent.add(events);
        settled.add(events);
    }

    void retried(int events) {
        retried.add(events);
    }

    /** Queued events given up (evicted by DROP_OLDEST, unsent at close). */
    void dropped(int events) {
        dropped.add(events);
        settled.add(events);
    }

    /** Queued events refused for good. */
    void rejected(int events) {
        rejected.add(events);
        settled.add(events);
    }

    /** An event that never entered the queue (queue full under DROP_NEWEST, recorded after close). */
    void droppedUnqueued() {
        dropped.increment();
    }

    /** An event refused before it entered the queue (invalid). */
    void rejectedUnqueued() {
        rejected.increment();
    }

    long pending() {
        return accepted.sum() - settled.sum();
    }
}
