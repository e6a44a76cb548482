package dev.promptengine.ingest.intake;

import dev.promptengine.ingest.publishing.EventPublisher;
import dev.promptengine.ingest.publishing.EventTooLargeException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The path every accepted request takes, whatever its encoding: validated events become Kafka
 * records of the caller's tenant, and the call returns only when Kafka has acknowledged all of
 * them.
 */
@Component
class EventIntake {

    private final EventAssembler assembler;
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final Clock clock;

    EventIntake(EventAssembler assembler, EventPublisher publisher, IngestMetrics metrics, Clock clock) {
        this.assembler = assembler;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The ids of the published events, usages first, each group in request order. */
    List<String> publish(EventReader.Events events, String tenant, boolean batch) {
        var records = assembler.records(events, tenant, clock.instant());
        try {
            publisher.publish(records);
        } catch (EventTooLargeException e) {
            throw new EventsTooLargeException(e, events, batch);
        }
        metrics.accepted(events);
        var ids = new ArrayList<String>(events.size());
        events.usages().forEach(usage -> ids.add(usage.id().toString()));
        events.executions().forEach(execution -> ids.add(execution.id().toString()));
        return ids;
    }
}
