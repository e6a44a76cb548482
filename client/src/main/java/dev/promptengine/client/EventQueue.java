package dev.promptengine.client;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded buffer between the callers and the sender thread. {@link #offer} never blocks: when
 * the queue is full it drops the new or the oldest event (by policy) and counts it, so memory
 * stays at the configured capacity however long the pipeline is down.
 */
final class EventQueue {

    private final ArrayBlockingQueue<Event> events;
    private final DropPolicy policy;
    private final Counters counters;

    EventQueue(int capacity, DropPolicy policy, Counters counters) {
        this.events = new ArrayBlockingQueue<>(capacity);
        this.policy = policy;
        this.counters = counters;
    }

    void offer(Event event) {
        if (events.offer(event)) {
            counters.accepted();
            return;
        }
        if (policy == DropPolicy.DROP_NEWEST) {
            counters.droppedUnqueued();
            return;
        }
        // DROP_OLDEST: make room; other callers may race for it, so a few rounds at most
        for (int attempt = 0; attempt < 4; attempt++) {
            if (events.poll() != null) {
                counters.dropped(1);
            }
            if (events.offer(event)) {
                counters.accepted();
                return;
            }
        }
        counters.droppedUnqueued();
    }

    /** Waits up to {@code timeoutNanos} for the next event; null when none came. */
    Event poll(long timeoutNanos) throws InterruptedException {
        return events.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Moves up to {@code max} queued events into {@code into} without waiting. */
    int drainTo(List<Event> into, int max) {
        return events.drainTo(into, max);
    }

    int size() {
        return events.size();
    }

    boolean isEmpty() {
        return events.isEmpty();
    }
}
