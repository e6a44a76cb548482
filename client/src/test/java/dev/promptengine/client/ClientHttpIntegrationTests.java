package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.client.support.IngestServer;
import dev.promptengine.client.support.Topic;
import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.testsupport.RestartableKafka;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The HTTP transport against a real ingest-service in this JVM and the real broker behind it. */
class ClientHttpIntegrationTests {

    private static final Duration AWAIT = Duration.ofSeconds(60);

    @Test
    void deliversEveryEventExactlyOnceAcrossAnIngestRestart() {
        int port = TestKafka.freePort();
        try (var ingest = IngestServer.start(port);
                var client = client(ingest.baseUrl(), 10_000)) {
            var recorded = new ArrayList<Event>();

            // Given events published while ingest is up
            recordPairs(client, 100, "before", recorded);
            // When ingest stops while the client keeps recording
            ingest.stop();
            recordPairs(client, 100, "during", recorded);
            await().atMost(AWAIT)
                    .untilAsserted(() -> assertThat(client.retried()).isPositive());
            // and comes back on the same port
            ingest.restart();
            recordPairs(client, 100, "after", recorded);

            // Then the client delivers all of them, and each is on its topic exactly once
            await().atMost(AWAIT).untilAsserted(() -> assertThat(client.sent()).isEqualTo(600));
            assertThat(client.rejected()).isZero();
            assertThat(client.dropped()).isZero();
            assertThat(client.pending()).isZero();
            assertExactlyOnceOnTheTopics(recorded);
        }
    }

    @Test
    void deliversEveryEventExactlyOnceAcrossABrokerOutage() {
        // a broker of its own, in its own process, that the test stops and restarts
        try (var kafka = RestartableKafka.start();
                var ingest = IngestServer.start(
                        TestKafka.freePort(),
                        List.of(
                                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                                "--promptengine.kafka.username=" + KafkaUser.INGEST.username(),
                                "--promptengine.kafka.password=" + kafka.password(KafkaUser.INGEST)));
                var client = client(ingest.baseUrl(), 10_000)) {
            var recorded = new ArrayList<Event>();

            // Given events published while the broker is up
            recordPairs(client, 100, "before", recorded);
            await().atMost(AWAIT).untilAsserted(() -> assertThat(client.sent()).isEqualTo(200));
            // When the broker goes away (ingest answers 503) while the client keeps recording
            kafka.stop();
            recordPairs(client, 100, "during", recorded);
            await().atMost(AWAIT)
                    .untilAsserted(() -> assertThat(client.retried()).isPositive());
            // and comes back
            kafka.startAgain();
            recordPairs(client, 100, "after", recorded);

            // Then the client delivers all of them, and each is on its topic exactly once
            await().atMost(Duration.ofSeconds(120))
                    .untilAsserted(() -> assertThat(client.sent()).isEqualTo(600));
            assertThat(client.rejected()).isZero();
            assertThat(client.dropped()).isZero();
            assertExactlyOnceOnTheTopics(recorded, kafka.adminConfig());
        }
    }

    @Test
    void returnsAtOnceWhileIngestIsDownAndDropsOnlyWhatDoesNotFitTheQueue() {
        int port = TestKafka.freePort();
        try (var client = client("http://127.0.0.1:" + port, 20)) {
            var recorded = new ArrayList<Event>();
            // Given the sender is retrying its first batch against a port where nothing listens
            recordPairs(client, 1, "down", recorded);
            await().atMost(AWAIT)
                    .untilAsserted(() -> assertThat(client.retried()).isPositive());
            // When more is recorded than the queue holds
            var usage = (Usage) recorded.get(0);
            var overflow = new ArrayList<Execution>();
            for (int i = 0; i < 25; i++) {
                overflow.add(client.recordExecution(execution(usage, i)));
            }

            // Then every call returned its event, and only what did not fit was dropped
            assertThat(overflow).doesNotContainNull();
            assertThat(client.sent()).isZero();
            assertThat(client.queueDepth()).isEqualTo(20);
            assertThat(client.pending()).isEqualTo(22); // the batch being retried (2) + the full queue
            assertThat(client.dropped()).isEqualTo(5);
            assertThat(client.rejected()).isZero();

            // And once ingest is there, what was kept arrives exactly once, the dropped ones never
            try (var ingest = IngestServer.start(port)) {
                await().atMost(AWAIT)
                        .untilAsserted(() -> assertThat(client.sent()).isEqualTo(22));
                recorded.addAll(overflow.subList(0, 20));
                assertExactlyOnceOnTheTopics(recorded);
                Set<UUID> dropped =
                        overflow.subList(20, 25).stream().map(Execution::id).collect(Collectors.toSet());
                assertThat(Topic.executions(e -> dropped.contains(e.getId()))).isEmpty();
            }
        }
    }

    @Test
    void refusedEventsAreRejectedAloneAndTheRestOfTheirBatchIsDelivered() {
        int port = TestKafka.freePort();
        try (var ingest = IngestServer.start(port);
                var client = client(ingest.baseUrl(), 1000);
                var wrongKey = PromptEngine.http(ingest.baseUrl(), "pe_not_a_key")
                        .linger(Duration.ofMillis(20))
                        .build()) {
            var good = new ArrayList<Event>();
            recordPairs(client, 5, "good", good);
            // an event resent with an id and a time older than ingest's window (422, names usages[i])
            Usage tooOld = client.recordRender(Usage.builder("support-reply", 3)
                    .id(UUID.randomUUID())
                    .occurredAt(Instant.now().minus(400, ChronoUnit.DAYS)));
            recordPairs(client, 5, "good", good);
            recordPairs(wrongKey, 2, "unauthorized", new ArrayList<>());

            await().atMost(AWAIT).untilAsserted(() -> {
                assertThat(client.sent()).isEqualTo(20);
                assertThat(client.rejected()).isEqualTo(1);
                assertThat(wrongKey.rejected()).isEqualTo(4);
            });
            assertThat(client.retried()).isZero();
            assertThat(wrongKey.retried()).isZero();
            assertThat(wrongKey.sent()).isZero();
            assertExactlyOnceOnTheTopics(good);
            assertThat(Topic.usages(u -> u.getId().equals(tooOld.id()))).isEmpty();
        }
    }

    private static PromptEngine client(String baseUrl, int capacity) {
        return PromptEngine.http(baseUrl, IngestServer.PUBLISHER_KEY)
                .queueCapacity(capacity)
                .maxBatchSize(50)
                .linger(Duration.ofMillis(20))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30))
                .build();
    }

    /** {@code pairs} usages, each with one execution, recorded through the client. */
    static void recordPairs(PromptEngine client, int pairs, String session, List<Event> recorded) {
        for (int i = 0; i < pairs; i++) {
            Usage usage = client.recordRender(Usage.builder("support-reply", 3)
                    .environment("staging")
                    .sessionId(session)
                    .userIdentifier("user-" + i)
                    .parameters(Map.of("customer", "Ada", "n", i))
                    .metadata(Map.of("contact", "ada@example.com"))
                    .renderedContent("Write a friendly reply about order " + i));
            recorded.add(usage);
            recorded.add(client.recordExecution(execution(usage, i)));
        }
    }

    static Execution.Builder execution(Usage usage, int i) {
        return Execution.builder(usage)
                .provider("openai")
                .model("gpt-4o")
                .temperature(0.2)
                .maxTokens(256)
                .messages(List.of(Message.system("Be kind."), Message.user("Order " + i)))
                .responseContent("Dear Ada, ...")
                .tokens(40 + i, 12)
                .cachedInputTokens(8)
                .executionTimeMs(930)
                .status(Status.SUCCESS);
    }

    /** Every recorded event is on its topic once, keyed by its usage id, with the fields it was recorded with. */
    static void assertExactlyOnceOnTheTopics(List<Event> recorded) {
        assertExactlyOnceOnTheTopics(recorded, TestKafka.clientConfig(Map.of()));
    }

    /** As above, on the broker that {@code connection} reaches. */
    static void assertExactlyOnceOnTheTopics(List<Event> recorded, Map<String, Object> connection) {
        Set<UUID> usageIds = new HashSet<>();
        Set<UUID> executionIds = new HashSet<>();
        Map<UUID, Event> byId = recorded.stream().collect(Collectors.toMap(Event::id, Function.identity()));
        recorded.forEach(event -> (event instanceof Usage ? usageIds : executionIds).add(event.id()));

        var usages = Topic.usages(connection, u -> usageIds.contains(u.getId()));
        var executions = Topic.executions(connection, e -> executionIds.contains(e.getId()));

        assertThat(usages.stream().map(r -> r.value().getId())).doesNotHaveDuplicates();
        assertThat(executions.stream().map(r -> r.value().getId())).doesNotHaveDuplicates();
        assertThat(usages).hasSize(usageIds.size());
        assertThat(executions).hasSize(executionIds.size());
        for (var received : usages) {
            var sent = (Usage) byId.get(received.value().getId());
            assertThat(received.key()).isEqualTo(sent.id().toString());
            assertThat(received.value().getOccurredAt()).isEqualTo(sent.occurredAt());
            assertThat(received.value().getPromptSlug()).isEqualTo(sent.promptSlug());
            assertThat(received.value().getSessionId()).isEqualTo(sent.sessionId());
        }
        for (var received : executions) {
            var sent = (Execution) byId.get(received.value().getId());
            var value = received.value();
            assertThat(received.key()).isEqualTo(sent.usageId().toString());
            assertThat(value.getUsageId()).isEqualTo(sent.usageId());
            assertThat(value.getOccurredAt()).isEqualTo(sent.occurredAt());
            assertThat(value.getEnvironment()).isEqualTo("staging");
            assertThat(value.getModel()).isEqualTo("gpt-4o");
            assertThat(value.getInputTokens()).isEqualTo(sent.inputTokens());
            assertThat(value.getTotalTokens()).isEqualTo(sent.inputTokens() + sent.outputTokens());
            assertThat(value.getCachedInputTokens()).isEqualTo(8);
            assertThat(value.getMessages()).hasSize(2);
            assertThat(value.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
            assertThat(value.getCaptureMode()).isNotNull().isIn((Object[]) CaptureMode.values());
        }
    }
}
