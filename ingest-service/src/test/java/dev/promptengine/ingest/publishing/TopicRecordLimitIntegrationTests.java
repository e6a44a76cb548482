package dev.promptengine.ingest.publishing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.ingest.support.Events;
import dev.promptengine.ingest.support.IngestApi;
import dev.promptengine.ingest.support.IngestServiceTestBase;
import dev.promptengine.schemas.Topics;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The broker's record limit and ingest's cannot disagree for long: when a topic's
 * {@code max.message.bytes} is lowered under a running ingest, the broker's refusal of a record is
 * the request's own fault (413, never 503), it does not fail the requests that shared its
 * transaction, and ingest adopts the topic's limit so the next such event is refused before sending.
 * Its own context (another max-record-size), so the lowered limit stays here.
 */
@TestPropertySource(properties = "promptengine.ingest.publishing.max-record-size=900KB")
class TopicRecordLimitIntegrationTests extends IngestServiceTestBase {

    private static final String EVENT_TOO_LARGE = "https://promptengine.dev/problems/event-too-large";
    private static final int TOPIC_LIMIT = 300_000;

    @Autowired
    EventPublisher publisher;

    @AfterEach
    void restoreTopicLimit() throws Exception {
        alterExecutionTopic(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, ""), AlterConfigOp.OpType.DELETE));
    }

    @Test
    void aRecordTheBrokerRefusesFailsOnlyItsOwnRequestWith413AndIngestAdoptsTheTopicsLimit() throws Exception {
        // Given: ingest runs with 900 KB per event, then the execution topic is lowered to 300,000 bytes
        await().atMost(Duration.ofSeconds(60)).until(publisher::topicLimitsRead);
        assertThat(publisher.maxRecordBytes(Topics.EXECUTION.name())).isEqualTo(900 * 1024);
        alterExecutionTopic(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(TOPIC_LIMIT)),
                AlterConfigOp.OpType.SET));
        var before = topics.snapshot();
        UUID usageId = UUID.randomUUID();
        var oversized = Events.batch(Events.usage(usageId), executionOf(4, usageId)); // ~400 KB
        var valid = new ArrayList<ObjectNode>();
        for (int i = 0; i < 8; i++) {
            UUID id = UUID.randomUUID();
            valid.add(Events.batch(Events.usage(id), Events.execution(id)));
        }

        // When: it is sent together with eight valid batches, so lanes may group them
        var pool = Executors.newFixedThreadPool(9);
        IngestApi.Response refused;
        List<IngestApi.Response> accepted;
        try {
            var refusing = CompletableFuture.supplyAsync(
                    () -> api.postJson("/v1/events", PUBLISHER_KEY, oversized.toString()), pool);
            var accepting = valid.stream()
                    .map(batch -> CompletableFuture.supplyAsync(
                            () -> api.postJson("/v1/events", PUBLISHER_KEY, batch.toString()), pool))
                    .toList();
            refused = refusing.get(120, TimeUnit.SECONDS);
            accepted = accepting.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }

        // Then: 413 for it alone, 202 and counted for the others
        assertThat(refused.status()).as(refused.body()).isEqualTo(413);
        assertThat(refused.json().get("type").asString()).isEqualTo(EVENT_TOO_LARGE);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("executions[0]");
        assertThat(accepted)
                .allSatisfy(response ->
                        assertThat(response.status()).as(response.body()).isEqualTo(202));
        Set<String> expected = new HashSet<>();
        for (ObjectNode batch : valid) {
            batch.get("usages").forEach(usage -> expected.add(usage.get("id").asString()));
            batch.get("executions")
                    .forEach(execution -> expected.add(execution.get("id").asString()));
        }
        var records = topics.awaitRecordsSince(before, seen -> seen.size() >= expected.size());
        assertThat(records.stream().map(r -> String.valueOf(r.value().get(0))).toList())
                .containsExactlyInAnyOrderElementsOf(expected);

        // and ingest now refuses such an event at the door, naming the topic's limit
        await().atMost(Duration.ofSeconds(30))
                .until(() -> publisher.maxRecordBytes(Topics.EXECUTION.name())
                        == TOPIC_LIMIT - EventPublisher.RECORD_OVERHEAD);
        var writtenBefore = topics.rawEndOffsets();
        var again = api.postJson(
                "/v1/executions",
                PUBLISHER_KEY,
                executionOf(4, UUID.randomUUID()).toString());
        assertThat(again.status()).as(again.body()).isEqualTo(413);
        assertThat(again.json().get("limit").asLong()).isEqualTo(TOPIC_LIMIT - EventPublisher.RECORD_OVERHEAD);
        assertThat(topics.rawEndOffsets()).isEqualTo(writtenBefore);
    }

    private static ObjectNode executionOf(int messages, UUID usageId) {
        ObjectNode execution = Events.execution(usageId);
        ArrayNode array = execution.putArray("messages");
        for (int i = 0; i < messages; i++) {
            array.addObject().put("role", "user").put("content", "x".repeat(100_000));
        }
        return execution;
    }

    private static void alterExecutionTopic(AlterConfigOp op) throws Exception {
        var topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.EXECUTION.name());
        Map<ConfigResource, Collection<AlterConfigOp>> change = Map.of(topic, List.of(op));
        try (var admin = TestKafka.admin()) {
            admin.incrementalAlterConfigs(change).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var value = admin.describeConfigs(List.of(topic))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(topic)
                        .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                return op.opType() == AlterConfigOp.OpType.DELETE
                        ? value.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                        : value.value().equals(op.configEntry().value());
            });
        }
    }
}
