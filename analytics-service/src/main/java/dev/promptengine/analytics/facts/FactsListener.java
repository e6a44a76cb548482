package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.partition.PartitionManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Consumes usages, costed executions and cost corrections in batches and hands each batch to {@link FactsWriter}.
 * PostgreSQL, not Kafka, holds the committed positions: on assignment the listener claims the
 * partitions (bumping their fencing epoch) and seeks to the stored offsets. Kafka offsets are still
 * committed after each batch, for lag monitoring only.
 */
@Component
class FactsListener implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(FactsListener.class);
    /** A rebalance normally follows a fence within a session timeout; this only guards against a stray claim. */
    private static final Duration FENCE_RETRY = Duration.ofSeconds(60);

    private final EventDecoder decoder;
    private final FactsWriter writer;
    private final OffsetStore offsets;
    private final PartitionManager partitions;
    private final AnalyticsProperties properties;
    private final WriteMetrics metrics;
    private final String group;
    /** Epoch of every partition this instance claimed, across its listener threads. */
    private final Map<TopicPartition, Long> epochs = new ConcurrentHashMap<>();
    /**
     * Partitions another instance claimed since, with when to try again: their records are ignored
     * until they are reassigned, or the fence is old and Kafka still says they are ours.
     */
    private final Map<TopicPartition, Instant> fenced = new ConcurrentHashMap<>();
    /** Batches failed in a row for an outage, per listener thread; sets the backoff. */
    private final ThreadLocal<Integer> consecutiveOutages = ThreadLocal.withInitial(() -> 0);

    FactsListener(
            EventDecoder decoder,
            FactsWriter writer,
            OffsetStore offsets,
            PartitionManager partitions,
            AnalyticsProperties properties,
            WriteMetrics metrics,
            @Value("${spring.kafka.consumer.group-id}") String group) {
        this.decoder = decoder;
        this.writer = writer;
        this.offsets = offsets;
        this.partitions = partitions;
        this.properties = properties;
        this.metrics = metrics;
        this.group = group;
    }

    /** The consumed topics, for the {@code @KafkaListener} expression. */
    public String[] topics() {
        return new String[] {
            properties.topics().usage(),
            properties.topics().executionCosted(),
            properties.topics().costCorrection()
        };
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        assignments.keySet().forEach(tp -> {
            epochs.remove(tp);
            fenced.remove(tp);
        });
        try {
            claim(assignments.keySet(), (tp, offset) -> callback.seek(tp.topic(), tp.partition(), offset));
        } catch (RuntimeException e) {
            // e.g. database down: the first batch from these partitions claims them instead
            log.warn("Cannot claim {} yet: {}", assignments.keySet(), e.toString());
        }
    }

    private void claim(
            Collection<TopicPartition> partitions, java.util.function.BiConsumer<TopicPartition, Long> seek) {
        var positions = offsets.claim(group, partitions, properties.instanceId());
        positions.forEach((tp, position) -> {
            epochs.put(tp, position.epoch());
            seek.accept(tp, position.nextOffset());
        });
        log.info("Claimed {}", positions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        revoked.forEach(epochs::remove);
    }

    @KafkaListener(id = "analytics-facts", idIsGroup = false, topics = "#{__listener.topics()}")
    void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer, Acknowledgment ack) {
        var unclaimed = new java.util.TreeSet<>(OffsetStore.ORDER);
        var assigned = consumer.assignment();
        Instant now = Instant.now();
        fenced.values().removeIf(until -> until.isBefore(now));
        for (var record : records) {
            var tp = new TopicPartition(record.topic(), record.partition());
            // claim only what Kafka says is ours now; a claim fences whoever held the partition
            if (!epochs.containsKey(tp) && !fenced.containsKey(tp) && assigned.contains(tp)) {
                unclaimed.add(tp);
            }
        }
        if (!unclaimed.isEmpty()) {
            try {
                claim(unclaimed, consumer::seek); // their records in this batch are skipped and read again
            } catch (RuntimeException e) {
                log.warn("Cannot claim {} yet: {}", unclaimed, e.toString());
                unclaimed.forEach(tp -> consumer.seek(tp, firstOffset(records, tp)));
                Duration pause = nextBackoff();
                metrics.paused(pause);
                sleep(pause);
                return;
            }
        }
        long started = System.nanoTime();
        var batch = new ArrayList<FactsWriter.Consumed>(records.size());
        var batchEpochs = new HashMap<TopicPartition, Long>();
        var firstOffsets = new LinkedHashMap<TopicPartition, Long>();
        for (var record : records) {
            var tp = new TopicPartition(record.topic(), record.partition());
            Long epoch = epochs.get(tp);
            if (epoch == null || fenced.containsKey(tp) || unclaimed.contains(tp)) {
                continue; // not ours (any more), or claimed just now and read again from the stored offset
            }
            batchEpochs.put(tp, epoch);
            firstOffsets.putIfAbsent(tp, record.offset());
            batch.add(new FactsWriter.Consumed(record, decoder.decode(record.topic(), record.value())));
        }
        if (batch.isEmpty()) {
            ack.acknowledge();
            return;
        }
        long decoded = System.nanoTime();
        try {
            var outcome = writeIsolatingPoison(batch, batchEpochs);
            metrics.committed(outcome, Duration.ofNanos(System.nanoTime() - decoded));
            consecutiveOutages.set(0);
            ack.acknowledge();
            if (log.isDebugEnabled()) {
                log.debug(
                        "Batch of {} decoded in {} ms, written in {} ms: {}",
                        batch.size(),
                        (decoded - started) / 1_000_000,
                        (System.nanoTime() - decoded) / 1_000_000,
                        outcome);
            }
        } catch (PartitionFencedException e) {
            metrics.rolledBack("fenced", Duration.ofNanos(System.nanoTime() - decoded));
            log.warn("{}; ignoring their records until they are assigned to this instance again", e.getMessage());
            e.partitions().forEach(tp -> {
                epochs.remove(tp);
                fenced.put(tp, now.plus(FENCE_RETRY));
            });
            firstOffsets.forEach(consumer::seek);
        } catch (RuntimeException e) {
            metrics.rolledBack("failed", Duration.ofNanos(System.nanoTime() - decoded));
            Duration pause = nextBackoff();
            log.warn(
                    "Batch of {} records failed ({} in a row), consumption paused for {}: {}",
                    batch.size(),
                    consecutiveOutages.get(),
                    pause,
                    e.toString());
            partitions.forget();
            firstOffsets.forEach(consumer::seek);
            metrics.paused(pause);
            sleep(pause);
        }
    }

    /**
     * Writes the batch; when PostgreSQL refuses it for its data, writes each half on its own, down
     * to the single record that is refused, which is then stored as a dead letter (with the offsets
     * that move past it) while every other record commits. An outage is not the data's fault: it
     * propagates, and the whole batch is retried.
     */
    private FactsWriter.Outcome writeIsolatingPoison(
            List<FactsWriter.Consumed> batch, Map<TopicPartition, Long> batchEpochs) {
        try {
            return writer.write(group, batch, batchEpochs);
        } catch (PartitionFencedException e) {
            throw e;
        } catch (RuntimeException e) {
            String reason = DataErrors.reason(e);
            if (reason == null) {
                throw e;
            }
            if (batch.size() == 1) {
                var record = batch.get(0).record();
                log.warn(
                        "Isolated {}-{}@{}, dead-lettering it: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        reason);
                return writer.write(group, List.of(batch.get(0).rejected(reason)), batchEpochs);
            }
            metrics.bisected();
            int half = batch.size() / 2; // records of one partition stay in offset order in each half
            return writeIsolatingPoison(batch.subList(0, half), batchEpochs)
                    .plus(writeIsolatingPoison(batch.subList(half, batch.size()), batchEpochs));
        }
    }

    /** The pause before retrying after an outage: retry-backoff, doubling per failure, at most max-retry-backoff. */
    private Duration nextBackoff() {
        int failures = consecutiveOutages.get() + 1;
        consecutiveOutages.set(failures);
        Duration pause = properties.retryBackoff();
        for (int i = 1; i < failures && pause.compareTo(properties.maxRetryBackoff()) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(properties.maxRetryBackoff()) > 0 ? properties.maxRetryBackoff() : pause;
    }

    private static long firstOffset(List<ConsumerRecord<String, byte[]>> records, TopicPartition tp) {
        return records.stream()
                .filter(r -> r.topic().equals(tp.topic()) && r.partition() == tp.partition())
                .mapToLong(ConsumerRecord::offset)
                .min()
                .orElseThrow();
    }

    private void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
