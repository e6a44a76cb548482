package dev.promptengine.bench.workload;

import dev.promptengine.schemas.AvroSerializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Builds a backlog on a topic and watches a consumer group work it off: the way the bench measures
 * a service's sustained rate without the load generator competing for the same two cores while
 * the clock runs.
 */
public final class Backlog {

    private Backlog() {}

    /** Produces every record (Avro-encoded, keyed by usage id) and waits for all acknowledgements. */
    public static <T extends SpecificRecord> void produce(
            String bootstrap, String topic, List<T> values, Function<T, String> key) {
        var serializer = new AvroSerializer<SpecificRecord>();
        var failure = new AtomicReference<Exception>();
        try (var producer = KafkaClients.producer(bootstrap)) {
            for (T value : values) {
                producer.send(
                        new ProducerRecord<>(topic, key.apply(value), serializer.serialize(topic, value)),
                        (m, e) -> failure.compareAndSet(null, e));
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("backlog produce failed", failure.get());
        }
    }

    /** Records the group has not committed yet on {@code topic} (all partitions). */
    public static long lag(Admin admin, String group, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(1, TimeUnit.MINUTES)
                .get(topic)
                .partitions();
        var latest = new HashMap<TopicPartition, OffsetSpec>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(1, TimeUnit.MINUTES);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(1, TimeUnit.MINUTES);
        long lag = 0;
        for (var end : ends.entrySet()) {
            var offset = committed.get(end.getKey());
            lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
        }
        return lag;
    }

    /** Waits until the group has committed everything on the topic; answers the seconds it took. */
    public static double awaitDrained(Admin admin, String group, String topic, Duration timeout) throws Exception {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long lag = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            lag = lag(admin, group, topic);
            if (lag <= 0) {
                return (System.nanoTime() - started) / 1e9;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                "group " + group + " still " + lag + " records behind on " + topic + " after " + timeout);
    }
}
