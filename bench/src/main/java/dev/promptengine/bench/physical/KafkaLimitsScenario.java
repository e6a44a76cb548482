package dev.promptengine.bench.physical;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.workload.KafkaClients;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.bench.workload.Workload.Content;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Physical limit of the broker for our records: produce and consume rates of Avro executions of
 * the sizes the pipeline moves (metadata-only and ~2 KB content), with a plain client, on the same
 * broker the services use. Everything else is a fraction of this.
 */
public final class KafkaLimitsScenario implements Scenario {

    public static final String PRODUCE_METADATA = "kafka.produce.metadata";
    public static final String PRODUCE_CONTENT = "kafka.produce.content2kb";
    static final int PARTITIONS = 6;

    @Override
    public String name() {
        return "kafka-limits";
    }

    @Override
    public String description() {
        return "Raw Kafka produce (acks=all, idempotent) and consume of serialized executions, metadata-only and ~2 KB"
                + " content, 6 partitions";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        for (Content content : List.of(Content.METADATA_ONLY, Content.KB2)) {
            int count = context.scaled(content == Content.METADATA_ONLY ? 400_000 : 120_000);
            List<byte[]> pool = serializedExecutions(content, 10_000);
            double averageBytes =
                    pool.stream().mapToInt(b -> b.length).average().orElseThrow();
            String suffix = content == Content.METADATA_ONLY ? "metadata" : "content2kb";
            context.note(String.format(
                    "%s: %,d records per run, %.0f bytes average value (Avro single-object), 36-byte keys",
                    suffix, count, averageBytes));
            // one topic per size, made ready before the clock runs: a topic created moments before a produce
            // makes the first batches race the leader election (NOT_LEADER_OR_FOLLOWER, then sequence errors)
            String topic =
                    "bench.raw." + suffix + "." + UUID.randomUUID().toString().substring(0, 8);
            context.infrastructure().createTopics(PARTITIONS, Map.of(), topic);
            String bootstrap = context.infrastructure().kafka();
            awaitWritable(bootstrap, topic, pool.get(0));
            try {
                var rates = context.repeat("kafka " + suffix, () -> {
                    var from = endOffsets(bootstrap, topic);
                    double produced = produce(bootstrap, topic, pool, count);
                    return new Rates(produced, consume(bootstrap, from, count));
                });
                context.record(
                        MetricSpec.throughput(
                                suffix.equals("metadata") ? PRODUCE_METADATA : PRODUCE_CONTENT,
                                "raw Kafka produce, " + suffix,
                                "records/s"),
                        rates.stream().map(Rates::produce).toList());
                context.record(
                        MetricSpec.throughput("kafka.consume." + suffix, "raw Kafka consume, " + suffix, "records/s"),
                        rates.stream().map(Rates::consume).toList());
            } finally {
                context.infrastructure().deleteTopics(topic);
            }
        }
    }

    record Rates(double produce, double consume) {
        @Override
        public String toString() {
            return String.format("produce %,.0f/s, consume %,.0f/s", produce, consume);
        }
    }

    /** Distinct serialized executions cycled through by the producer (serialization is not timed). */
    public static List<byte[]> serializedExecutions(Content content, int distinct) {
        var workload = new Workload(7);
        var serializer = new AvroSerializer<>();
        var pool = new ArrayList<byte[]>(distinct);
        Instant now = Instant.now();
        for (int i = 0; i < distinct; i++) {
            pool.add(serializer.serialize(
                    Topics.EXECUTION.name(), workload.next(content, now).execution()));
        }
        return pool;
    }

    static double produce(String bootstrap, String topic, List<byte[]> pool, int count) {
        try (var producer = KafkaClients.producer(bootstrap)) {
            // connect and fetch metadata before the clock starts
            producer.partitionsFor(topic);
            var failure = new AtomicReference<Exception>();
            long started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                producer.send(
                        new ProducerRecord<>(topic, UUID.randomUUID().toString(), pool.get(i % pool.size())),
                        (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            }
                        });
            }
            producer.flush();
            double rate = count / ((System.nanoTime() - started) / 1e9);
            if (failure.get() != null) {
                throw new IllegalStateException("produce failed", failure.get());
            }
            return rate;
        }
    }

    /** Sends one record to every partition and waits for each acknowledgement. */
    public static void awaitWritable(String bootstrap, String topic, byte[] value) throws Exception {
        try (var producer = KafkaClients.producer(bootstrap)) {
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(topic, p, "ready", value)).get(2, TimeUnit.MINUTES);
            }
        }
    }

    static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
        try (var consumer = KafkaClients.consumer(bootstrap, "bench-offsets")) {
            var partitions = new ArrayList<TopicPartition>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            return consumer.endOffsets(partitions);
        }
    }

    /** Reads {@code count} records starting at {@code from}, as fast as one consumer can. */
    static double consume(String bootstrap, Map<TopicPartition, Long> from, int count) {
        try (var consumer = KafkaClients.consumer(bootstrap, "bench-" + UUID.randomUUID())) {
            var partitions = new ArrayList<>(from.keySet());
            consumer.assign(partitions);
            from.forEach(consumer::seek);
            long seen = 0;
            long started = System.nanoTime();
            long deadline = started + Duration.ofMinutes(3).toNanos();
            while (seen < count && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
            if (seen < count) {
                throw new IllegalStateException("consumed only " + seen + " of " + count + " records; end offsets "
                        + consumer.endOffsets(partitions) + ", positions "
                        + partitions.stream().map(consumer::position).toList());
            }
            return seen / ((System.nanoTime() - started) / 1e9);
        }
    }
}
