package dev.promptengine.bench.enrichment;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.Target;
import dev.promptengine.bench.workload.Backlog;
import dev.promptengine.bench.workload.KafkaClients;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.bench.workload.Workload.Content;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.AvroDeserializer;
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
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * cost-service enrichment with Kafka transactions (EOS v2, read_committed), one instance: the
 * service is frozen (SIGSTOP), a backlog of executions is produced, the service is thawed and the
 * clock runs until its consumer group has committed the whole backlog. Baseline in the same run on
 * the same backlog: a plain consume → decode → wrap as UNPRICED → encode → produce loop in one
 * thread, no transactions, no pricing, acks=all.
 */
public final class EnrichmentScenario implements Scenario {

    static final String MODULE = "cost-service";
    static final String PLAIN_ID = "enrichment.plain";

    static final MetricSpec EOS = MetricSpec.throughput(
            "enrichment.eos",
            "cost enrichment, transactions, 1 instance",
            "events/s",
            Target.atLeast(100_000, "events/s"),
            Target.timesOf(0.5, PLAIN_ID));
    static final MetricSpec PLAIN = MetricSpec.throughput(PLAIN_ID, "baseline: plain consume→produce loop", "events/s");

    @Override
    public String name() {
        return "enrichment";
    }

    @Override
    public String description() {
        return "cost-service enrichment with transactions (backlog drain) vs a plain consume→produce loop";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(MODULE);
        String kafka = context.infrastructure().kafka();
        var database = context.infrastructure().newDatabase("bench_cost");
        var service = context.services()
                .start(MODULE, kafka, database, Map.of("promptengine.instance-id", "bench-" + UUID.randomUUID()));
        int count = context.scaled(300_000);
        String plainTopic = "bench.plain.costed." + UUID.randomUUID().toString().substring(0, 8);
        context.infrastructure().createTopics(6, Map.of(), plainTopic);
        context.note(String.format(
                "%,d metadata-only executions per run (seed-catalog models, 1 %% unknown → UNPRICED); completion ="
                        + " the service's consumer group has committed the whole backlog (polled every 50 ms)",
                count));
        var workload = new Workload(5);
        var eos = new ArrayList<Double>();
        var plain = new ArrayList<Double>();
        try (Admin admin = context.infrastructure().kafkaAdmin()) {
            // executions that earlier scenarios left on the topic are worked off before the clock runs
            long onTopic = endOffsets(admin, Topics.EXECUTION.name()).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            if (onTopic > 0) {
                String group = groupOf(admin);
                long pending = Backlog.lag(admin, group, Topics.EXECUTION.name());
                double seconds = Backlog.awaitDrained(admin, group, Topics.EXECUTION.name(), Duration.ofMinutes(15));
                BenchContext.log(
                        "  %,d executions left on the topic by earlier scenarios worked off in %.0f s",
                        pending, seconds);
            }
            context.repeat("enrichment", () -> {
                var executions = new ArrayList<LlmExecution>(count);
                for (int i = 0; i < count; i++) {
                    executions.add(
                            workload.next(Content.METADATA_ONLY, Instant.now()).execution());
                }
                var from = endOffsets(admin, Topics.EXECUTION.name());
                service.suspend();
                try {
                    Backlog.produce(
                            kafka,
                            Topics.EXECUTION.name(),
                            executions,
                            e -> e.getUsageId().toString());
                } finally {
                    service.resume();
                }
                double seconds =
                        Backlog.awaitDrained(admin, groupOf(admin), Topics.EXECUTION.name(), Duration.ofMinutes(10));
                double subject = count / seconds;
                double baseline = plainLoop(kafka, from, plainTopic, count);
                eos.add(subject);
                plain.add(baseline);
                return String.format("transactions %,.0f/s, plain loop %,.0f/s", subject, baseline);
            });
        }
        int runs = context.options().runs();
        context.record(EOS, eos.subList(eos.size() - runs, eos.size()));
        context.record(PLAIN, plain.subList(plain.size() - runs, plain.size()));
        Services.Memory memory = service.memory();
        context.record(
                MetricSpec.amount(
                        "memory.cost-service.heap.enrichment",
                        "cost-service peak heap used (enrichment)",
                        "MiB",
                        Target.below(512, "MiB")),
                List.of(memory.peakHeapUsedMiB()));
        context.infrastructure().deleteTopics(plainTopic);
    }

    /** The consumer group of the enrichment (whatever the service names it): the one committing on the execution topic. */
    static String groupOf(Admin admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            for (var listing : admin.listConsumerGroups().all().get(1, TimeUnit.MINUTES)) {
                String group = listing.groupId();
                if (group.startsWith("bench")) {
                    continue;
                }
                var offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(1, TimeUnit.MINUTES);
                if (offsets.keySet().stream().anyMatch(tp -> tp.topic().equals(Topics.EXECUTION.name()))) {
                    return group;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no consumer group commits offsets on " + Topics.EXECUTION.name());
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(1, TimeUnit.MINUTES)
                .get(topic)
                .partitions();
        var latest = new java.util.HashMap<TopicPartition, OffsetSpec>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var result = new java.util.HashMap<TopicPartition, Long>();
        admin.listOffsets(latest).all().get(1, TimeUnit.MINUTES).forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    /** Consume → decode → wrap → encode → produce, one thread, from {@code from} until {@code count} records. */
    static double plainLoop(String kafka, Map<TopicPartition, Long> from, String output, int count) {
        var deserializer = new AvroDeserializer<SpecificRecord>();
        var serializer = new AvroSerializer<SpecificRecord>();
        var failure = new AtomicReference<Exception>();
        try (var consumer = KafkaClients.consumer(kafka, "bench-plain-" + UUID.randomUUID());
                var producer = KafkaClients.producer(kafka)) {
            producer.partitionsFor(output);
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long seen = 0;
            long started = System.nanoTime();
            long deadline = started + TimeUnit.MINUTES.toNanos(5);
            while (seen < count && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    var execution = (LlmExecution) deserializer.deserialize(record.topic(), record.value());
                    var costed = CostedLlmExecution.newBuilder()
                            .setExecution(execution)
                            .setCost(ExecutionCost.newBuilder()
                                    .setPricingStatus(PricingStatus.UNPRICED)
                                    .build())
                            .build();
                    producer.send(
                            new ProducerRecord<>(output, record.key(), serializer.serialize(output, costed)),
                            (m, e) -> failure.compareAndSet(null, e));
                    seen++;
                }
                consumer.commitAsync();
            }
            producer.flush();
            double rate = seen / ((System.nanoTime() - started) / 1e9);
            if (seen < count || failure.get() != null) {
                throw new IllegalStateException("plain loop moved " + seen + " of " + count, failure.get());
            }
            return rate;
        }
    }
}
