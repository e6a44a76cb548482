package dev.promptengine.ingest.publishing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.ingest.IngestServiceApplication;
import dev.promptengine.ingest.support.Events;
import dev.promptengine.ingest.support.IngestApi;
import dev.promptengine.ingest.support.TopicProbe;
import dev.promptengine.service.auth.ApiKeys;
import dev.promptengine.testsupport.RestartableKafka;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * The broker goes away while host applications keep publishing, then comes back. On a broker of
 * its own (a separate process that the test stops and restarts), never the shared test broker.
 */
@SpringBootTest(
        classes = IngestServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"promptengine.topics.partitions=2"})
class BrokerOutageIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(BrokerOutageIntegrationTests.class);
    private static final String KEY = "pe_outage_publisher";
    private static RestartableKafka kafka;

    @LocalServerPort
    int port;

    /** What a client was told about one request. */
    record Outcome(List<String> ids, boolean batch, int status, String retryAfter, long millis) {}

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        kafka = RestartableKafka.start();
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("promptengine.kafka.username", dev.promptengine.access.kafka.KafkaUser.INGEST::username);
        registry.add(
                "promptengine.kafka.password", () -> kafka.password(dev.promptengine.access.kafka.KafkaUser.INGEST));
        registry.add("promptengine.auth.keys[0].name", () -> "outage");
        registry.add("promptengine.auth.keys[0].tenant", () -> "acme");
        registry.add("promptengine.auth.keys[0].role", () -> "PUBLISHER");
        registry.add("promptengine.auth.keys[0].sha256", () -> ApiKeys.sha256Hex(KEY));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void answers503WithRetryAfterWhileTheBrokerIsDownNeverAcceptsLostEventsAndRecovers() throws Exception {
        // Given: publishing works
        var api = new IngestApi(port);
        var outcomes = new CopyOnWriteArrayList<Outcome>();
        await().atMost(Duration.ofSeconds(90)).until(() -> publish(api, false).status() == 202);
        var running = new AtomicBoolean(true);
        var clients = List.of(client(api, false, running, outcomes), client(api, true, running, outcomes));
        clients.forEach(Thread::start);
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted(outcomes) >= 4);

        // When: the broker stops for 30 s (and at least four requests were refused) while clients keep publishing
        kafka.stop();
        long stopped = System.nanoTime();
        int beforeOutage = outcomes.size();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> outcomes.subList(beforeOutage, outcomes.size()).stream()
                                        .filter(o -> o.status() == 503)
                                        .count()
                                >= 4
                        && System.nanoTime() - stopped >= Duration.ofSeconds(30).toNanos());
        kafka.startAgain();
        int afterRestart = outcomes.size();
        await().atMost(Duration.ofSeconds(120))
                .until(() -> outcomes.subList(afterRestart, outcomes.size()).stream()
                                .filter(Outcome::batch)
                                .anyMatch(o -> o.status() == 202)
                        && outcomes.subList(afterRestart, outcomes.size()).stream()
                                .filter(o -> !o.batch())
                                .anyMatch(o -> o.status() == 202));
        running.set(false);
        for (Thread client : clients) {
            client.join(30_000);
        }

        // Then: every answer was 202 or 503, and every 503 says when to retry
        assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).isIn(202, 503));
        var refused = outcomes.stream().filter(o -> o.status() == 503).toList();
        assertThat(refused)
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.retryAfter()).isEqualTo("5"));
        log.info(
                "{} requests, {} answered 503; slowest 503 after {} ms, slowest 202 after {} ms",
                outcomes.size(),
                refused.size(),
                refused.stream().mapToLong(Outcome::millis).max().orElse(0),
                outcomes.stream()
                        .filter(o -> o.status() == 202)
                        .mapToLong(Outcome::millis)
                        .max()
                        .orElse(0));

        // and every event that got a 202 is on the topics; a refused batch is never half visible. A
        // read_committed reader sees a committed event once the transactions that a failed lane left
        // open before it on the same partition have timed out (transaction.timeout.ms, 15 s): wait
        // for that, never for a lost event.
        Set<String> acceptedIds = outcomes.stream()
                .filter(o -> o.status() == 202)
                .flatMap(o -> o.ids().stream())
                .collect(Collectors.toSet());
        Set<String> published = publishedIds(acceptedIds);
        assertThat(published).containsAll(acceptedIds);
        for (Outcome batch : refused.stream().filter(Outcome::batch).toList()) {
            long visible = batch.ids().stream().filter(published::contains).count();
            assertThat(visible).as("visible events of a refused batch").isIn(0L, (long)
                    batch.ids().size());
        }
    }

    private static Thread client(IngestApi api, boolean batch, AtomicBoolean running, List<Outcome> outcomes) {
        var thread = new Thread(
                () -> {
                    while (running.get()) {
                        outcomes.add(publish(api, batch));
                    }
                },
                batch ? "batch-client" : "single-client");
        thread.setDaemon(true);
        return thread;
    }

    private static Outcome publish(IngestApi api, boolean batch) {
        UUID usageId = UUID.randomUUID();
        List<ObjectNode> events = batch
                ? List.of(Events.usage(usageId), Events.execution(usageId), Events.execution(usageId))
                : List.of(Events.usage(usageId));
        long started = System.nanoTime();
        var response = batch
                ? api.postJson(
                        "/v1/events",
                        KEY,
                        Events.batch(events.toArray(ObjectNode[]::new)).toString())
                : api.postJson("/v1/usages", KEY, events.get(0).toString());
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        var ids = events.stream().map(e -> e.get("id").asString()).toList();
        return new Outcome(ids, batch, response.status(), response.header("Retry-After"), millis);
    }

    private static long accepted(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o.status() == 202).count();
    }

    /** Every event id on the topics, once they include {@code expected} (or after 90 s). */
    private static Set<String> publishedIds(Set<String> expected) {
        try (var probe = new TopicProbe(kafka.adminConfig())) {
            var beginning = probe.snapshot().keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> 0L));
            var ids = new HashSet<String>();
            try {
                probe.awaitRecordsSince(beginning, records -> {
                    ids.clear();
                    records.forEach(record -> ids.add(
                            record.value() instanceof PromptUsage usage
                                    ? usage.getId().toString()
                                    : ((LlmExecution) record.value()).getId().toString()));
                    return ids.containsAll(expected);
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                log.error("Accepted events still missing after 90 s", e);
            }
            return ids;
        }
    }
}
