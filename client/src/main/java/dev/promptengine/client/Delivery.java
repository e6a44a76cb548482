package dev.promptengine.client;

import java.time.Duration;
import java.util.List;

/**
 * What a transport made of one attempt: the events it must retry (a 5xx, 408, 429, a network
 * error, a timeout; the same ids are resent), those refused for good (any other 4xx, an event
 * too large or not encodable), and the rest were acknowledged.
 */
record Delivery(List<Event> retry, List<Event> rejected, Duration retryAfter) {

    static Delivery delivered() {
        return new Delivery(List.of(), List.of(), null);
    }

    static Delivery retry(List<Event> events, Duration retryAfter) {
        return new Delivery(List.copyOf(events), List.of(), retryAfter);
    }

    static Delivery rejected(List<Event> events) {
        return new Delivery(List.of(), List.copyOf(events), null);
    }

    Delivery plus(Delivery other) {
        var retry = new java.util.ArrayList<>(this.retry);
        retry.addAll(other.retry);
        var rejected = new java.util.ArrayList<>(this.rejected);
        rejected.addAll(other.rejected);
        Duration after = this.retryAfter == null
                ? other.retryAfter
                : other.retryAfter == null ? this.retryAfter : max(this.retryAfter, other.retryAfter);
        return new Delivery(retry, rejected, after);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
