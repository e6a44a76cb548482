package dev.promptengine.ingest.publishing;

import java.util.List;

/**
 * Events of a request that encode to more than Kafka accepts for one record: the request's own fault
 * (413), found before anything is sent, so it never fails a transaction other requests share.
 */
public class EventTooLargeException extends RuntimeException {

    /** The event at {@code position} of the request's records encodes to {@code bytes}. */
    public record Oversized(int position, int bytes) {}

    private final List<Oversized> oversized;
    private final long limit;
    private final int events;

    EventTooLargeException(List<Oversized> oversized, long limit, int events) {
        super(oversized.size() + " event(s) above " + limit + " bytes", null, false, false);
        this.oversized = List.copyOf(oversized);
        this.limit = limit;
        this.events = events;
    }

    public List<Oversized> oversized() {
        return oversized;
    }

    /** The largest encoded key plus value one event may have. */
    public long limit() {
        return limit;
    }

    /** How many events the refused request carried. */
    public int events() {
        return events;
    }
}
