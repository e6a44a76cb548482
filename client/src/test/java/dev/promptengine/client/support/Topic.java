package dev.promptengine.client.support;

import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.Topics;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the usage and execution topics as every downstream service does ({@code read_committed}),
 * from the beginning to the last stable offset, so a test sees every committed record once: its
 * duplicates too.
 */
public final class Topic {

    /** A record as it is on the topic. */
    public record Received<V>(String key, V value) {}

    public static List<Received<PromptUsage>> usages(Predicate<PromptUsage> filter) {
        return usages(TestKafka.clientConfig(Map.of()), filter);
    }

    /** The usages on the broker that {@code connection} (bootstrap servers and SASL settings) reaches. */
    public static List<Received<PromptUsage>> usages(Map<String, Object> connection, Predicate<PromptUsage> filter) {
        var out = new ArrayList<Received<PromptUsage>>();
        for (var record : readAll(connection, Topics.USAGE.name())) {
            if (record.value() instanceof PromptUsage usage && filter.test(usage)) {
                out.add(new Received<>(record.key(), usage));
            }
        }
        return out;
    }

    public static List<Received<LlmExecution>> executions(Predicate<LlmExecution> filter) {
        return executions(TestKafka.clientConfig(Map.of()), filter);
    }

    public static List<Received<LlmExecution>> executions(
            Map<String, Object> connection, Predicate<LlmExecution> filter) {
        var out = new ArrayList<Received<LlmExecution>>();
        for (var record : readAll(connection, Topics.EXECUTION.name())) {
            if (record.value() instanceof LlmExecution execution && filter.test(execution)) {
                out.add(new Received<>(record.key(), execution));
            }
        }
        return out;
    }

    private static List<ConsumerRecord<String, SpecificRecord>> readAll(Map<String, Object> connection, String topic) {
        Map<String, Object> config = new java.util.HashMap<>(connection);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (var consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new AvroDeserializer<SpecificRecord>())) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            var records = new ArrayList<ConsumerRecord<String, SpecificRecord>>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " up to " + end);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    private Topic() {}
}
