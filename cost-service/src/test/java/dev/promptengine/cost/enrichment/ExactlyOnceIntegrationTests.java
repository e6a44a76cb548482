package dev.promptengine.cost.enrichment;

import static dev.promptengine.cost.Fixtures.costed;
import static dev.promptengine.cost.Fixtures.execution;
import static dev.promptengine.cost.Fixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.cost.CostServiceApplication;
import dev.promptengine.cost.IntegrationTestBase;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.testsupport.TestKafka;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills the enrichment with SIGKILL in the middle of a stream (a child JVM running the real
 * service, so no shutdown hook, no commit, an open Kafka transaction), restarts it, and checks that
 * read_committed consumers see every input exactly once.
 */
class ExactlyOnceIntegrationTests extends IntegrationTestBase {

    static final int EXECUTIONS = 30_000;
    static final int FENCING_EXECUTIONS = 10_000;
    static final Duration PATIENCE = Duration.ofSeconds(180);

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "it.eos.in." + run;
    final String output = "it.eos.out." + run;
    final String group = "it-eos-" + run;
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void everyExecutionAppearsExactlyOnceAfterTheEnrichmentIsKilledMidStream() throws Exception {
        TestKafka.createTopics(3, input, output, input + ".dlt");
        var executions = new ArrayList<LlmExecution>();
        for (int i = 0; i < EXECUTIONS; i++) {
            executions.add(execution(
                    "openai", "gpt-4o", Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i), 1_000, 200));
        }
        produce(input, executions);

        var first = startEnrichment("first", "eos-" + run);
        await().atMost(PATIENCE).until(() -> consumed() >= EXECUTIONS / 10);
        first.destroyForcibly().waitFor(); // SIGKILL: no commit, no clean close
        long consumedAtKill = consumed();
        assertThat(consumedAtKill).as("the kill must land mid-stream").isLessThan(EXECUTIONS);

        startEnrichment("second", "eos-" + run);
        await().atMost(PATIENCE).until(() -> consumed() >= EXECUTIONS);

        assertEachCostedExactlyOnce(executions);
    }

    /**
     * Two live instances misconfigured with the same instance id share transactional ids, so their
     * producers fence each other over and over. That may slow them down, but a fenced batch must be
     * redelivered, never skipped: every execution is still costed exactly once.
     */
    @Test
    void instancesThatFenceEachOtherLoseNothing() throws Exception {
        TestKafka.createTopics(3, input, output, input + ".dlt");
        var executions = new ArrayList<LlmExecution>();
        for (int i = 0; i < FENCING_EXECUTIONS; i++) {
            executions.add(execution(
                    "openai", "gpt-4o", Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i), 1_000, 200));
        }
        String sharedId = "twin-" + run;
        startEnrichment("twin-a", sharedId);
        startEnrichment("twin-b", sharedId);
        await().atMost(PATIENCE)
                .ignoreException(GroupIdNotFoundException.class) // until the first consumer joins
                .until(() -> groupMembers() == 4); // two instances, two consumers each
        // produced while both consume, in slices over about ten seconds, so both keep committing
        int slice = FENCING_EXECUTIONS / 40;
        for (int from = 0; from < FENCING_EXECUTIONS; from += slice) {
            produce(input, executions.subList(from, from + slice));
            Thread.sleep(250);
        }
        await().atMost(PATIENCE).until(() -> consumed() >= FENCING_EXECUTIONS);

        assertEachCostedExactlyOnce(executions);
        assertThat(logs("twin-a") + logs("twin-b"))
                .as("the test must make the instances fence each other")
                .contains(EnrichmentFencing.FENCED_MESSAGE);
    }

    private void assertEachCostedExactlyOnce(List<LlmExecution> executions) {
        Set<UUID> ids = executions.stream().map(LlmExecution::getId).collect(Collectors.toSet());
        await().atMost(PATIENCE).untilAsserted(() -> {
            var costed = costed(output, ids::contains);
            assertThat(costed.keySet()).isEqualTo(ids);
            assertThat(costed.values()).allSatisfy(copies -> assertThat(copies).hasSize(1));
            assertThat(costed.values())
                    .allSatisfy(copies -> assertThat(copies.get(0).getCost().getPricingStatus())
                            .isEqualTo(PricingStatus.PRICED));
        });
    }

    private String logs(String name) throws java.io.IOException {
        return java.nio.file.Files.readString(log(name).toPath());
    }

    private File log(String name) {
        return new File("target/eos-" + run + "-" + name + ".log");
    }

    /** Offsets the enrichment's consumer group has committed (in its Kafka transactions). */
    private long consumed() throws Exception {
        try (var admin = TestKafka.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .filter(java.util.Objects::nonNull)
                    .mapToLong(offset -> offset.offset())
                    .sum();
        }
    }

    private int groupMembers() throws Exception {
        try (var admin = TestKafka.admin()) {
            return admin.describeConsumerGroups(List.of(group))
                    .describedGroups()
                    .get(group)
                    .get()
                    .members()
                    .size();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof GroupIdNotFoundException notYet ? notYet : e;
        }
    }

    private Process startEnrichment(String name, String instanceId) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = List.of(
                java,
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                CostServiceApplication.class.getName(),
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--promptengine.kafka.username=admin",
                "--promptengine.kafka.password=" + TestKafka.adminPassword(),
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                // same instance id on restart: the new producer fences the killed one's open transaction
                "--promptengine.instance-id=" + instanceId,
                "--spring.kafka.consumer.group-id=" + group,
                "--spring.kafka.consumer.max-poll-records=250",
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.listener.concurrency=2",
                "--promptengine.enrichment.input-topic=" + input,
                "--promptengine.enrichment.output-topic=" + output,
                "--promptengine.enrichment.dead-letter-topic=" + input + ".dlt");
        var log = log(name);
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        children.add(process);
        return process;
    }
}
