package dev.promptengine.ingest.intake;

import dev.promptengine.ingest.publishing.EventTooLargeException;
import java.util.ArrayList;
import java.util.List;

/** Events of a request above the record limit, named by their place in the request: 413. */
class EventsTooLargeException extends RuntimeException {

    private final List<Violation> violations;
    private final long limit;
    private final int events;

    EventsTooLargeException(EventTooLargeException e, EventReader.Events request, boolean batch) {
        super(e.getMessage(), null, false, false);
        int usages = request.usages().size();
        var violations = new ArrayList<Violation>(e.oversized().size());
        for (var oversized : e.oversized()) {
            boolean usage = oversized.position() < usages;
            int index = usage ? oversized.position() : oversized.position() - usages;
            String field = batch ? (usage ? "usages[" : "executions[") + index + "]" : usage ? "usage" : "execution";
            violations.add(new Violation(
                    batch ? index : null,
                    field,
                    "encodes to " + oversized.bytes() + " bytes; Kafka takes at most " + e.limit()
                            + " bytes per event (promptengine.ingest.publishing.max-record-size)"));
        }
        this.violations = List.copyOf(violations);
        this.limit = e.limit();
        this.events = e.events();
    }

    List<Violation> violations() {
        return violations;
    }

    long limit() {
        return limit;
    }

    int events() {
        return events;
    }
}
