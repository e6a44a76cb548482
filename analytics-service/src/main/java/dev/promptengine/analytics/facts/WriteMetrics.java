package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.deadletter.DeadLetterMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * What the write path did, for Prometheus ({@code /actuator/prometheus}): facts stored by type,
 * duplicates and records below the stored offsets skipped, poison records dead-lettered (by topic,
 * tenant and kind), batches split to isolate a record, batches retried after an outage and the time
 * paused for it, and the time per batch by outcome ({@code committed}, {@code fenced}, {@code
 * failed}).
 */
@Component
class WriteMetrics {

    private final Counter usages;
    private final Counter executions;
    private final Counter duplicates;
    private final Counter skipped;
    private final Counter bisected;
    private final Counter paused;
    private final Counter outageRetries;
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
        this.bisected = Counter.builder("promptengine.analytics.batches.bisected")
                .description("Batches PostgreSQL refused for their data, split in two to isolate the record")
                .register(meters);
        this.paused = Counter.builder("promptengine.analytics.consumer.paused")
                .description("Time consumption paused after outages (database or broker unreachable)")
                .baseUnit("seconds")
                .register(meters);
        this.outageRetries = Counter.builder("promptengine.analytics.batches.retried")
                .description("Batches retried whole because of an outage")
                .tag("reason", "outage")
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
        outcome.deadLetters().forEach(letter -> DeadLetterMetrics.count(meters, letter));
        batch("committed").record(took);
    }

    void rolledBack(String outcome, Duration took) {
        batch(outcome).record(took);
    }

    void bisected() {
        bisected.increment();
    }

    void paused(Duration pause) {
        outageRetries.increment();
        paused.increment(pause.toMillis() / 1000.0);
    }

    private Timer batch(String outcome) {
        return Timer.builder("promptengine.analytics.batch")
                .description("Time to write one consumed batch in one database transaction")
                .tag("outcome", outcome)
                .register(meters);
    }
}
