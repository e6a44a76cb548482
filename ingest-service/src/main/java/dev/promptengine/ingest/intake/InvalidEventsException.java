package dev.promptengine.ingest.intake;

import java.util.List;

/** A request with at least one invalid event; nothing of it is published. */
class InvalidEventsException extends RuntimeException {

    private final List<Violation> violations;
    private final int events;

    InvalidEventsException(List<Violation> violations, int events) {
        super(violations.size() + " invalid field(s)", null, false, false);
        this.violations = List.copyOf(violations);
        this.events = events;
    }

    List<Violation> violations() {
        return violations;
    }

    /** How many events the rejected request carried (for the rejection metric). */
    int events() {
        return events;
    }
}
