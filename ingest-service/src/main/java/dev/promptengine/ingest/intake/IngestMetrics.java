package dev.promptengine.ingest.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code promptengine_ingest_events_accepted_total{type}} and
 * {@code promptengine_ingest_events_rejected_total{reason}} (events of the rejected request; 1 when
 * the body could not be read as events at all), {@code promptengine_ingest_otlp_spans_total{kind}}
 * ({@code model_call} or {@code ignored}). Produce latency is timed by publishing.
 */
@Component
class IngestMetrics {

    private final MeterRegistry meters;
    private final Counter acceptedUsages;
    private final Counter acceptedExecutions;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Counter modelCallSpans;
    private final Counter ignoredSpans;

    IngestMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.acceptedUsages = accepted("usage");
        this.acceptedExecutions = accepted("execution");
        this.modelCallSpans = spans("model_call");
        this.ignoredSpans = spans("ignored");
    }

    private Counter spans(String kind) {
        return Counter.builder("promptengine.ingest.otlp.spans")
                .description("OTLP spans received: GenAI model calls (recorded as events) and the rest (ignored)")
                .tag("kind", kind)
                .register(meters);
    }

    void spans(int modelCalls, int ignored) {
        modelCallSpans.increment(modelCalls);
        ignoredSpans.increment(ignored);
    }

    private Counter accepted(String type) {
        return Counter.builder("promptengine.ingest.events.accepted")
                .description("Events Kafka acknowledged")
                .tag("type", type)
                .register(meters);
    }

    void accepted(EventReader.Events events) {
        acceptedUsages.increment(events.usages().size());
        acceptedExecutions.increment(events.executions().size());
    }

    void rejected(String reason, int events) {
        rejected.computeIfAbsent(
                        reason,
                        key -> Counter.builder("promptengine.ingest.events.rejected")
                                .description("Events refused, by reason (the problem type)")
                                .tag("reason", key)
                                .register(meters))
                .increment(events);
    }
}
