package dev.promptengine.client;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/** Registers the counters as meters. Only loaded when the host passed a {@link MeterRegistry}. */
final class MicrometerMeters {

    static void register(MeterRegistry registry, Counters counters, EventQueue queue) {
        counter(registry, "sent", counters.sent);
        counter(registry, "retried", counters.retried);
        counter(registry, "dropped", counters.dropped);
        counter(registry, "rejected", counters.rejected);
        Gauge.builder("promptengine.client.queue.depth", queue, EventQueue::size)
                .description("Events waiting in the client's queue")
                .register(registry);
    }

    private static void counter(MeterRegistry registry, String outcome, LongAdder adder) {
        FunctionCounter.builder("promptengine.client.events", adder, LongAdder::sum)
                .tag("outcome", outcome)
                .description("Events by outcome: sent, retried, dropped (queue full), rejected")
                .register(registry);
    }

    private MicrometerMeters() {}
}
