package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.client.support.Topic;
import dev.promptengine.events.CaptureMode;
import dev.promptengine.schemas.Topics;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kafka transport as the {@code direct-producer} principal, confined by the broker's ACLs. */
class ClientKafkaIntegrationTests {

    private static final Duration AWAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void topics() {
        // the services create them on start; here no service runs
        TestKafka.createTopics(6, Topics.USAGE.name(), Topics.EXECUTION.name());
    }

    @Test
    void deliversToThePipelineTopicsExactlyOnceAsTheDirectProducer() {
        var recorded = new ArrayList<Event>();
        try (var client = directProducer(TestKafka.password(KafkaUser.DIRECT_PRODUCER))) {
            ClientHttpIntegrationTests.recordPairs(client, 150, "direct", recorded);

            await().atMost(AWAIT).untilAsserted(() -> assertThat(client.sent()).isEqualTo(300));
            assertThat(client.rejected()).isZero();
            assertThat(client.dropped()).isZero();
        }
        ClientHttpIntegrationTests.assertExactlyOnceOnTheTopics(recorded);
        Set<UUID> ids = recorded.stream().map(Event::id).collect(Collectors.toSet());
        assertThat(Topic.executions(e -> ids.contains(e.getId()))).allSatisfy(received -> {
            assertThat(received.value().getTenant()).isEqualTo("acme");
            assertThat(received.value().getReceivedAt()).isNull();
            assertThat(received.value().getCaptureMode()).isEqualTo(CaptureMode.REDACTED);
        });
        assertThat(Topic.usages(u -> ids.contains(u.getId()))).allSatisfy(received -> {
            assertThat(received.value().getTenant()).isEqualTo("acme");
            assertThat(received.value().getParameters()).contains("\"customer\":\"Ada\"");
            assertThat(received.value().getMetadata()).isEqualTo("{\"contact\":\"[REDACTED:email]\"}");
            assertThat(received.value().getRedactions()).containsEntry("email", 1);
        });
    }

    @Test
    void aWrongPasswordRejectsTheEventsInsteadOfRetryingForever() {
        try (var client = directProducer("not-the-password")) {
            ClientHttpIntegrationTests.recordPairs(client, 3, "wrong-password", new ArrayList<>());

            await().atMost(AWAIT)
                    .untilAsserted(() -> assertThat(client.rejected()).isEqualTo(6));
            assertThat(client.sent()).isZero();
            assertThat(client.retried()).isZero();
        }
    }

    private static PromptEngine directProducer(String password) {
        return PromptEngine.kafka(TestKafka.bootstrapServers(), KafkaUser.DIRECT_PRODUCER.username(), password)
                .tenant("acme")
                .maxBatchSize(100)
                .linger(Duration.ofMillis(20))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }
}
