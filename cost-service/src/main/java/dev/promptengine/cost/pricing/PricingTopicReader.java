package dev.promptengine.cost.pricing;

import dev.promptengine.events.ModelPrice;
import dev.promptengine.events.PriceDiscount;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the {@link PriceTable} in step with the compacted pricing topics (prices of both layers,
 * tenant discounts). Every instance reads all
 * partitions from the beginning without a consumer group (each needs the whole catalog), and
 * applies upserts and tombstones as they arrive. A record it cannot decode is logged and skipped:
 * the catalog in PostgreSQL remains the source of truth and republishes on the next change.
 */
@Component
class PricingTopicReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PricingTopicReader.class);

    private final KafkaProperties kafkaProperties;
    private final PriceTable table;
    private final String topic;
    private final String discountTopic;
    private final Map<String, Price> byKey = new HashMap<>();
    private final Map<String, Discount> discountsById = new HashMap<>();
    private java.time.Instant lastChange;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> catchUpRequests = new ConcurrentLinkedQueue<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    PricingTopicReader(KafkaProperties kafkaProperties, PriceTable table) {
        this.kafkaProperties = kafkaProperties;
        this.table = table;
        this.topic = Topics.PRICING.name();
        this.discountTopic = Topics.PRICING_DISCOUNTS.name();
    }

    /** Completes once this instance has applied every pricing record written before the call. */
    CompletableFuture<Void> catchUp() {
        var request = new CompletableFuture<Void>();
        catchUpRequests.add(request);
        return request;
    }

    @Override
    public void start() {
        Map<String, Object> config = kafkaProperties.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "cost-pricing-table-" + System.identityHashCode(this));
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "pricing-table");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        var decoder = new AvroDeserializer<ModelPrice>();
        var discountDecoder = new AvroDeserializer<PriceDiscount>();
        try {
            var partitions = new java.util.ArrayList<TopicPartition>();
            for (String name : List.of(topic, discountTopic)) {
                consumer.partitionsFor(name, Duration.ofSeconds(60)).stream()
                        .map(info -> new TopicPartition(name, info.partition()))
                        .forEach(partitions::add);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> target = null;
            List<CompletableFuture<Void>> waiting = new java.util.ArrayList<>();
            while (running) {
                var records = consumer.poll(Duration.ofMillis(200));
                boolean changed = false;
                for (var record : records) {
                    boolean applied = record.topic().equals(discountTopic)
                            ? applyDiscount(record.key(), record.value(), discountDecoder)
                            : apply(record.key(), record.value(), decoder);
                    if (applied) {
                        changed = true;
                        var at = java.time.Instant.ofEpochMilli(record.timestamp());
                        lastChange = lastChange == null || at.isAfter(lastChange) ? at : lastChange;
                    }
                }
                if (changed) {
                    table.replace(List.copyOf(byKey.values()), List.copyOf(discountsById.values()), lastChange);
                    log.debug("Pricing table now has {} rows", byKey.size());
                }
                if (target == null && !catchUpRequests.isEmpty()) {
                    CompletableFuture<Void> request;
                    while ((request = catchUpRequests.poll()) != null) {
                        waiting.add(request);
                    }
                    target = consumer.endOffsets(partitions);
                }
                if (target != null && caughtUp(target)) {
                    waiting.forEach(request -> request.complete(null));
                    waiting.clear();
                    target = null;
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("Pricing table reader stopped; prices will not update on this instance", e);
            catchUpRequests.forEach(request -> request.completeExceptionally(e));
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean apply(String key, byte[] value, AvroDeserializer<ModelPrice> decoder) {
        if (key == null) {
            log.warn("Skipping pricing record without key");
            return false;
        }
        if (value == null) {
            return byKey.remove(key) != null;
        }
        try {
            byKey.put(key, PricingEvents.fromEvent(decoder.deserialize(topic, value)));
            return true;
        } catch (RuntimeException e) {
            // undecodable, or a price no Price can be built from: skipped with its reason, the reader goes on
            log.warn("Skipping pricing record {} that cannot be applied: {}", key, e.toString());
            return false;
        }
    }

    private boolean applyDiscount(String key, byte[] value, AvroDeserializer<PriceDiscount> decoder) {
        if (key == null) {
            log.warn("Skipping discount record without key");
            return false;
        }
        if (value == null) {
            return discountsById.remove(key) != null;
        }
        try {
            discountsById.put(key, PricingEvents.fromEvent(decoder.deserialize(discountTopic, value)));
            return true;
        } catch (RuntimeException e) {
            log.warn("Skipping discount record {} that cannot be applied: {}", key, e.toString());
            return false;
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> target) {
        return target.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    @Override
    public void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
