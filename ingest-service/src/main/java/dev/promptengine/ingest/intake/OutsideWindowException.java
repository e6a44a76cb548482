package dev.promptengine.ingest.intake;

import java.time.Instant;
import java.util.List;

/** Every field is valid, but an {@code occurred_at} lies outside the accepted window: 422. */
class OutsideWindowException extends RuntimeException {

    private final List<Violation> violations;
    private final Instant from;
    private final Instant to;
    private final int events;

    OutsideWindowException(List<Violation> violations, Instant from, Instant to, int events) {
        super(violations.size() + " occurred_at outside " + from + ".." + to, null, false, false);
        this.violations = List.copyOf(violations);
        this.from = from;
        this.to = to;
        this.events = events;
    }

    List<Violation> violations() {
        return violations;
    }

    Instant from() {
        return from;
    }

    Instant to() {
        return to;
    }

    int events() {
        return events;
    }
}
