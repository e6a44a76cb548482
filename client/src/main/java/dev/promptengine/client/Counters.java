package dev.promptengine.client;

import java.util.concurrent.atomic.LongAdder;

/** The client's outcomes: sent (acknowledged), retried (resent after a failure), dropped (queue full or unsent at close), rejected (refused for good). */
final class Counters {

    final LongAdder sent = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder rejected = new LongAdder();

    void sent(int events) {
        sent.add(events);
    }

    void retried(int events) {
        retried.add(events);
    }

    void dropped(int events) {
        dropped.add(events);
    }

    void rejected(int events) {
        rejected.add(events);
    }
}
