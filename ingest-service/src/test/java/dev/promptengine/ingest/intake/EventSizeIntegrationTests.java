package dev.promptengine.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.ingest.support.Events;
import dev.promptengine.ingest.support.IngestApi;
import dev.promptengine.ingest.support.IngestServiceTestBase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An event that Kafka would refuse as one record (inside every field limit, over the record limit)
 * is answered 413 before anything is sent, naming the event and the limit, and never fails another
 * request, whether or not it would have shared that request's transaction.
 */
class EventSizeIntegrationTests extends IngestServiceTestBase {

    private static final String EVENT_TOO_LARGE = "https://promptengine.dev/problems/event-too-large";
    private static final long LIMIT = 1_024_000; // max-record-size 1000KB

    @Test
    void refusesAnExecutionOfElevenFullMessagesWith413NamingTheLimitAndSendsNothing() {
        // Given: 11 messages of 100,000 characters, each inside max-content-length
        var writtenBefore = topics.rawEndOffsets();
        var execution = executionWithMessages(11);

        // When
        var response = api.postJson("/v1/executions", PUBLISHER_KEY, execution.toString());

        // Then
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo(EVENT_TOO_LARGE);
        assertThat(problem.get("limit").asLong()).isEqualTo(LIMIT);
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("execution");
        assertThat(error.get("reason").asString())
                .matches("encodes to 11\\d{5} bytes; Kafka takes at most 1024000 bytes per event .*");
        assertThat(topics.rawEndOffsets()).isEqualTo(writtenBefore);
    }

    @Test
    void acceptsAnExecutionJustUnderTheRecordLimit() {
        // Given: ten full messages, about 1,000,300 bytes encoded
        var before = topics.snapshot();
        var execution = executionWithMessages(10);

        // When
        var response = api.postJson("/v1/executions", PUBLISHER_KEY, execution.toString());

        // Then
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        var records = topics.awaitRecordsSince(before, seen -> !seen.isEmpty());
        assertThat(ids(records)).containsExactly(execution.get("id").asString());
    }

    @Test
    void anOversizedEventInABatchFailsOnlyItsOwnRequestWhileConcurrentRequestsAreCounted() throws Exception {
        // Given: one batch carrying an oversized execution, and eight valid batches at the same time
        var before = topics.snapshot();
        var writtenBefore = topics.rawEndOffsets();
        UUID usageId = UUID.randomUUID();
        var oversized = Events.batch(Events.usage(usageId), executionWithMessages(11, usageId));
        var valid = new ArrayList<ObjectNode>();
        for (int i = 0; i < 8; i++) {
            UUID id = UUID.randomUUID();
            valid.add(Events.batch(Events.usage(id), Events.execution(id)));
        }

        // When
        List<IngestApi.Response> validResponses;
        IngestApi.Response oversizedResponse;
        var pool = Executors.newFixedThreadPool(9);
        try {
            var refused = CompletableFuture.supplyAsync(
                    () -> api.postJson("/v1/events", PUBLISHER_KEY, oversized.toString()), pool);
            var accepted = valid.stream()
                    .map(batch -> CompletableFuture.supplyAsync(
                            () -> api.postJson("/v1/events", PUBLISHER_KEY, batch.toString()), pool))
                    .toList();
            oversizedResponse = refused.get();
            validResponses = accepted.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }

        // Then
        assertThat(oversizedResponse.status()).as(oversizedResponse.body()).isEqualTo(413);
        JsonNode problem = oversizedResponse.json();
        assertThat(problem.get("type").asString()).isEqualTo(EVENT_TOO_LARGE);
        assertThat(problem.get("limit").asLong()).isEqualTo(LIMIT);
        assertThat(problem.get("errors")).hasSize(1);
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("executions[0]");
        assertThat(problem.get("errors").get(0).get("index").asInt()).isEqualTo(0);
        assertThat(validResponses)
                .allSatisfy(response ->
                        assertThat(response.status()).as(response.body()).isEqualTo(202));
        Set<String> expected = new HashSet<>();
        for (ObjectNode batch : valid) {
            batch.get("usages").forEach(usage -> expected.add(usage.get("id").asString()));
            batch.get("executions")
                    .forEach(execution -> expected.add(execution.get("id").asString()));
        }
        var records = topics.awaitRecordsSince(before, seen -> seen.size() >= expected.size());
        assertThat(ids(records)).containsExactlyInAnyOrderElementsOf(expected);
        long written = topics.rawEndOffsets().entrySet().stream()
                .mapToLong(e -> e.getValue() - writtenBefore.get(e.getKey()))
                .sum();
        // 16 events plus one commit marker per partition and transaction: the oversized usage never left
        assertThat(records).hasSize(16);
        assertThat(written).isGreaterThanOrEqualTo(16);
    }

    private static ObjectNode executionWithMessages(int messages) {
        return executionWithMessages(messages, UUID.randomUUID());
    }

    private static ObjectNode executionWithMessages(int messages, UUID usageId) {
        ObjectNode execution = Events.execution(usageId);
        ArrayNode array = execution.putArray("messages");
        for (int i = 0; i < messages; i++) {
            array.addObject().put("role", "user").put("content", "x".repeat(100_000));
        }
        return execution;
    }

    private static List<String> ids(List<ConsumerRecord<String, SpecificRecord>> records) {
        return records.stream()
                .map(record -> String.valueOf(record.value().get(0)))
                .toList();
    }
}
