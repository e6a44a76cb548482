package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MicrometerMetersTests {

    @Test
    void countersAndQueueDepthAreMetersWhenARegistryIsGiven() {
        var registry = new SimpleMeterRegistry();
        try (var client = PromptEngine.http("http://127.0.0.1:9", "pe_test")
                .meterRegistry(registry)
                .queueCapacity(1)
                .maxBatchSize(1)
                .closeTimeout(Duration.ofMillis(200))
                .linger(Duration.ZERO)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(50))
                .build()) {
            // the sender holds the usage, retrying against a port where nothing listens
            Usage usage = client.recordRender(Usage.builder("support-reply", 3));
            await().atMost(Duration.ofSeconds(30)).until(() -> client.retried() > 0);
            client.recordRender(Usage.builder("", 3));
            for (int i = 0; i < 5; i++) {
                client.recordExecution(
                        Execution.builder(usage).provider("openai").model("gpt-4o"));
            }

            double queued =
                    registry.get("promptengine.client.queue.depth").gauge().value();
            double dropped = registry.get("promptengine.client.events")
                    .tag("outcome", "dropped")
                    .functionCounter()
                    .count();
            assertThat(dropped).isEqualTo(4);
            assertThat(queued).isEqualTo(1);
            assertThat(registry.get("promptengine.client.events")
                            .tag("outcome", "rejected")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("promptengine.client.events")
                            .tag("outcome", "sent")
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(registry.get("promptengine.client.events")
                            .tag("outcome", "retried")
                            .functionCounter()
                            .count())
                    .isPositive();
        }
    }
}
