package dev.promptengine.cost;

import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Named fixtures and real-broker helpers for the cost-service tests. */
public final class Fixtures {

    public static LlmExecution execution(String provider, String model, Instant occurredAt, long input, long output) {
        var usage = UUID.randomUUID();
        return LlmExecution.newBuilder()
                .setId(UUID.randomUUID())
                .setUsageId(usage)
                .setOccurredAt(occurredAt)
                .setPromptSlug("support-reply")
                .setPromptVersion(3)
                .setProvider(provider)
                .setModel(model)
                .setInputTokens(input)
                .setOutputTokens(output)
                .setTotalTokens(input + output)
                .setExecutionTimeMs(420)
                .setStatus(ExecutionStatus.SUCCESS)
                .build();
    }

    /** Sends events (Avro) or raw byte arrays, keyed by usage id or the given key, and waits for the broker. */
    public static void produce(String topic, List<?> values) {
        var config = TestKafka.clientConfig(Map.<String, Object>of(ProducerConfig.LINGER_MS_CONFIG, 5));
        var avro = new AvroSerializer<LlmExecution>();
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (var value : values) {
                if (value instanceof LlmExecution execution) {
                    producer.send(new ProducerRecord<>(
                            topic, execution.getUsageId().toString(), avro.serialize(topic, execution)));
                } else {
                    producer.send(new ProducerRecord<>(topic, UUID.randomUUID().toString(), (byte[]) value));
                }
            }
            producer.flush();
        }
    }

    /** Every committed record of the topic (read_committed, from the beginning). */
    public static List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
        var config = TestKafka.clientConfig(Map.<String, Object>of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            var records = new ArrayList<ConsumerRecord<String, byte[]>>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Costed executions on the topic whose execution id passes the filter, by execution id (last wins). */
    public static Map<UUID, List<CostedLlmExecution>> costed(String topic, Predicate<UUID> wanted) {
        var avro = new AvroDeserializer<CostedLlmExecution>();
        var byId = new LinkedHashMap<UUID, List<CostedLlmExecution>>();
        for (var record : readCommitted(topic)) {
            var costed = avro.deserialize(topic, record.value());
            var id = costed.getExecution().getId();
            if (wanted.test(id)) {
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(costed);
            }
        }
        return byId;
    }

    private Fixtures() {}
}
