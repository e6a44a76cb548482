package dev.promptengine.analytics.facts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * What the write path did, for Prometheus ({@code /actuator/prometheus}): facts stored by type,
 * duplicates and records below the stored offsets skipped, poison records dead-lettered, and the
 * time per batch by outcome ({@code committed}, {@code fenced}, {@code failed}).
 */
@Component
class WriteMetrics {

    private final Counter usages;
    private final Counter executions;
    private final Counter duplicates;
    private final Counter skipped;
    private final Counter deadLettered;
    private final MeterRegistry meters;

    WriteMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.usages = facts(meters, "usage");
        this.executions = facts(meters, "execution");
        this.duplicates = Counter.builder("promptengine.analytics.duplicates")
                .description("Records whose fact was already stored (producer retries, replays)")
                .register(meters);
        this.skipped = Counter.builder("promptengine.analytics.skipped")
                .description("Records below the offsets stored with the facts (already applied)")
                .register(meters);
        this.deadLettered = Counter.builder("promptengine.analytics.dead.lettered")
                .description("Poison records sent to the dead-letter topics")
                .register(meters);
    }

    private static Counter facts(MeterRegistry meters, String type) {
        return Counter.builder("promptengine.analytics.facts")
                .description("Raw facts newly stored (and added to the rollups)")
                .tag("type", type)
                .register(meters);
    }

    void committed(FactsWriter.Outcome outcome, Duration took) {
        usages.increment(outcome.newUsages());
        executions.increment(outcome.newExecutions());
        duplicates.increment(outcome.duplicates());
        skipped.increment(outcome.skipped());
        deadLettered.increment(outcome.deadLettered());
        batch("committed").record(took);
    }

    void rolledBack(String outcome, Duration took) {
        batch(outcome).record(took);
    }

    private Timer batch(String outcome) {
        return Timer.builder("promptengine.analytics.batch")
                .description("Time to write one consumed batch in one database transaction")
                .tag("outcome", outcome)
                .register(meters);
    }
}
