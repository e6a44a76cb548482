package dev.promptengine.analytics.deadletter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code promptengine.analytics.dead.lettered{topic,tenant,kind}}: one count per stored dead letter, whoever wrote it. */
public final class DeadLetterMetrics {

    private DeadLetterMetrics() {}

    public static void count(MeterRegistry meters, DeadLetter letter) {
        Counter.builder("promptengine.analytics.dead.lettered")
                .description("Dead letters stored, by source topic, tenant and kind of reason")
                .tag("topic", letter.topic())
                .tag("tenant", letter.tenant() == null ? "unknown" : letter.tenant())
                .tag("kind", letter.kind())
                .register(meters)
                .increment();
    }
}
