package dev.promptengine.ingest.support;

import static org.awaitility.Awaitility.await;

import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Looks at the usage and execution topics the way downstream services do: a {@code read_committed}
 * consumer. {@link #snapshot()} marks where the topics end; {@link #recordsSince} reads what came
 * after; {@link #rawEndOffsets()} shows even uncommitted or aborted writes.
 */
public final class TopicProbe implements AutoCloseable {

    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final Admin admin;
    private final List<TopicPartition> partitions;

    /** @param connection bootstrap servers and the SASL settings of a principal that may read both topics */
    public TopicProbe(Map<String, Object> connection) {
        Map<String, Object> config = new HashMap<>(connection);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class);
        this.consumer = new KafkaConsumer<>(config);
        this.admin = Admin.create(connection);
        this.partitions = new ArrayList<>();
        for (String topic : List.of(Topics.USAGE.name(), Topics.EXECUTION.name())) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !consumer.partitionsFor(topic).isEmpty());
            consumer.partitionsFor(topic)
                    .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        consumer.assign(partitions);
    }

    /** Where every partition ends now, for committed reads. */
    public Map<TopicPartition, Long> snapshot() {
        return consumer.endOffsets(partitions);
    }

    /** High watermarks: counts every record written, committed or not. */
    public Map<TopicPartition, Long> rawEndOffsets() {
        try {
            var request = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var result = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all()
                    .get();
            return result.entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every committed record after {@code from}, up to the current end of each partition. */
    public List<ConsumerRecord<String, SpecificRecord>> recordsSince(Map<TopicPartition, Long> from) {
        from.forEach(consumer::seek);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        var records = new ArrayList<ConsumerRecord<String, SpecificRecord>>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read up to " + end);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    /** Waits until the committed records after {@code from} satisfy {@code condition}, and returns them. */
    public List<ConsumerRecord<String, SpecificRecord>> awaitRecordsSince(
            Map<TopicPartition, Long> from, Predicate<List<ConsumerRecord<String, SpecificRecord>>> condition) {
        var seen = new ArrayList<ConsumerRecord<String, SpecificRecord>>();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    seen.clear();
                    seen.addAll(recordsSince(from));
                    return condition.test(seen);
                });
        return seen;
    }

    @Override
    public void close() {
        consumer.close();
        admin.close();
    }
}
