package dev.promptengine.ingest.publishing;

import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes one request's records and returns only when Kafka acknowledged all of them, or throws
 * {@link KafkaUnavailableException} within {@link PublishingProperties#timeout()} (plus the short
 * commit step when a commit had already begun). A single record goes through the shared idempotent
 * producer (its own linger, {@link PublishingProperties#singleEventLinger()}, so that a lone event
 * does not wait for company); several are Avro-encoded on the request thread and go into one
 * transaction so a batch is never half visible.
 */
@Component
public class EventPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    /**
     * What Kafka adds to a record's key and value when it checks {@code max.request.size} and
     * {@code max.message.bytes}: a batch header (61 bytes) and a record header (at most 21), with
     * room to spare.
     */
    public static final int RECORD_OVERHEAD = 1024;

    private final ProducerFactory<String, SpecificRecord> singleProducers;
    private final KafkaTemplate<String, SpecificRecord> template;
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
    private final TransactionLanes lanes;
    private final Duration timeout;
    private final Duration commitGrace;
    private final Timer singleLatency;
    private final Timer transactionLatency;
    private final KafkaAdmin kafkaAdmin;
    /** The largest encoded event per topic: max-record-size, or less where a topic accepts less. */
    private final Map<String, Long> maxRecordBytes = new ConcurrentHashMap<>();

    private final AtomicBoolean rereadingLimits = new AtomicBoolean();
    private volatile boolean topicLimitsRead;
    private volatile boolean closed;

    EventPublisher(
            ProducerFactory<String, SpecificRecord> producerFactory,
            KafkaAdmin kafkaAdmin,
            PublishingProperties properties,
            MeterRegistry meters) {
        long maxRecord = properties.maxRecordSize().toBytes();
        for (var topic : List.of(Topics.USAGE.name(), Topics.EXECUTION.name())) {
            maxRecordBytes.put(topic, maxRecord);
        }
        // derived from the ingest limit, so the producer never refuses what ingest let through
        int maxRequestSize = Math.toIntExact(maxRecord + RECORD_OVERHEAD);
        this.singleProducers = producerFactory.copyWithConfigurationOverride(Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                (int) properties.singleEventLinger().toMillis(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                maxRequestSize));
        this.template = new KafkaTemplate<>(singleProducers);
        this.kafkaAdmin = kafkaAdmin;
        var config = new HashMap<>(producerFactory.getConfigurationProperties());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestSize);
        this.lanes = new TransactionLanes(config, properties);
        this.timeout = properties.timeout();
        this.commitGrace = Duration.ofMillis(
                        Long.parseLong(String.valueOf(config.getOrDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60000))))
                .plusSeconds(1);
        this.singleLatency = latencyTimer(meters, "single");
        this.transactionLatency = latencyTimer(meters, "transaction");
        warmUpSingleProducer();
    }

    /**
     * Creates the single-event producer and fetches the topics' metadata in the background, so the
     * first requests do not queue behind that (a broker that is away now changes nothing: the first
     * request then finds out itself).
     */
    private void warmUpSingleProducer() {
        var warmUp = new Thread(
                () -> {
                    try {
                        template.partitionsFor(Topics.USAGE.name());
                        template.partitionsFor(Topics.EXECUTION.name());
                    } catch (RuntimeException e) {
                        log.info("Single-event producer not ready yet: {}", e.toString());
                    }
                    adoptTopicLimits();
                },
                "ingest-producer-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * Lowers the event limit to what each topic's {@code max.message.bytes} accepts, so that an event
     * the broker would refuse is answered 413 at the door instead of failing a transaction. Retried
     * until the topics can be described (they may not exist yet, or the broker may be away).
     */
    private void adoptTopicLimits() {
        var resources = maxRecordBytes.keySet().stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .toList();
        for (int attempt = 1; !closed; attempt++) {
            Admin admin = null;
            try {
                admin = Admin.create(kafkaAdmin.getConfigurationProperties());
                var configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
                configs.forEach((resource, config) -> {
                    long accepted = Long.parseLong(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
                                    .value())
                            - RECORD_OVERHEAD;
                    long configured = maxRecordBytes.get(resource.name());
                    if (accepted < configured) {
                        log.warn(
                                "Topic {} accepts records of at most {} bytes (max.message.bytes); events above {}"
                                        + " bytes are refused with 413 instead of max-record-size {}",
                                resource.name(),
                                accepted + RECORD_OVERHEAD,
                                accepted,
                                configured);
                        maxRecordBytes.put(resource.name(), accepted);
                    }
                });
                topicLimitsRead = true;
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (attempt == 1) {
                    log.info("Cannot read the topics' max.message.bytes yet, retrying: {}", e.toString());
                }
            } finally {
                if (admin != null) {
                    admin.close(Duration.ofSeconds(1));
                }
            }
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether the topics' limits have been read since start-up. */
    boolean topicLimitsRead() {
        return topicLimitsRead;
    }

    /** The largest encoded event {@code topic} takes now. */
    long maxRecordBytes(String topic) {
        return maxRecordBytes.get(topic);
    }

    private static Timer latencyTimer(MeterRegistry meters, String mode) {
        return Timer.builder("promptengine.ingest.produce.latency")
                .description("From handing a request's records to Kafka until Kafka acknowledged all of them")
                .tag("mode", mode)
                .publishPercentileHistogram()
                .register(meters);
    }

    /**
     * Publishes the records of one request, or throws {@link EventTooLargeException} before sending
     * anything when one of them is above the record limit, or {@link KafkaUnavailableException}.
     */
    public void publish(List<ProducerRecord<String, SpecificRecord>> records) {
        long started = System.nanoTime();
        var encoded = encoded(records);
        if (records.size() == 1) {
            publishOne(records.get(0), encoded.get(0));
            singleLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        } else {
            publishInTransaction(encoded);
            transactionLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void publishOne(ProducerRecord<String, SpecificRecord> record, ProducerRecord<String, byte[]> encoded) {
        CompletableFuture<?> sent;
        try {
            sent = template.send(record);
        } catch (RuntimeException e) {
            throw unavailable(e, 1);
        }
        try {
            sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw refusedOrUnavailable(e.getCause(), List.of(encoded));
        } catch (TimeoutException e) {
            throw unavailable(e, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e, 1);
        }
    }

    /**
     * The records Avro-encoded (on the request thread), each checked against its topic's limit. A
     * single record is encoded once more by the shared producer; the check is cheap next to the rest.
     */
    private List<ProducerRecord<String, byte[]>> encoded(List<ProducerRecord<String, SpecificRecord>> records) {
        var encoded = new ArrayList<ProducerRecord<String, byte[]>>(records.size());
        var oversized = new ArrayList<EventTooLargeException.Oversized>();
        long limit = Long.MAX_VALUE;
        for (int i = 0; i < records.size(); i++) {
            var record = records.get(i);
            byte[] value = serializer.serialize(record.topic(), record.value());
            int size = value.length + record.key().getBytes(StandardCharsets.UTF_8).length;
            long topicLimit = maxRecordBytes(record.topic());
            if (size > topicLimit) {
                oversized.add(new EventTooLargeException.Oversized(i, size));
                limit = Math.min(limit, topicLimit);
            }
            encoded.add(new ProducerRecord<>(record.topic(), record.key(), value));
        }
        if (!oversized.isEmpty()) {
            throw new EventTooLargeException(oversized, limit, records.size());
        }
        return encoded;
    }

    private void publishInTransaction(List<ProducerRecord<String, byte[]>> records) {
        var pending = new PendingPublish(records);
        lanes.submit(pending);
        try {
            try {
                pending.result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (pending.abandon()) {
                    throw unavailable(e, records.size());
                }
                // the commit has begun: its outcome decides, and it is bounded by max.block.ms
                pending.result.get(commitGrace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw refusedOrUnavailable(e.getCause(), records);
        } catch (TimeoutException e) {
            throw unavailable(e, records.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.abandon();
            throw unavailable(e, records.size());
        }
    }

    /**
     * The broker refused a record as too large although it passed the limit: a topic's
     * {@code max.message.bytes} was lowered after start-up. The request's own fault (413, naming its
     * largest event), and the limits are read again.
     */
    private RuntimeException refusedOrUnavailable(Throwable cause, List<ProducerRecord<String, byte[]>> records) {
        if (!TransactionLanes.isRecordFault(cause)) {
            return unavailable(cause, records.size());
        }
        log.warn("The broker refused a record as too large: {}; reading the topics' limits again", cause.toString());
        if (rereadingLimits.compareAndSet(false, true)) {
            var reread = new Thread(
                    () -> {
                        try {
                            adoptTopicLimits();
                        } finally {
                            rereadingLimits.set(false);
                        }
                    },
                    "ingest-topic-limits");
            reread.setDaemon(true);
            reread.start();
        }
        int largest = 0;
        int largestSize = 0;
        for (int i = 0; i < records.size(); i++) {
            var record = records.get(i);
            int size = record.value().length + record.key().getBytes(StandardCharsets.UTF_8).length;
            if (size > largestSize) {
                largest = i;
                largestSize = size;
            }
        }
        return new EventTooLargeException(
                List.of(new EventTooLargeException.Oversized(largest, largestSize)),
                maxRecordBytes(records.get(largest).topic()),
                records.size());
    }

    private static KafkaUnavailableException unavailable(Throwable cause, int events) {
        return new KafkaUnavailableException("Kafka did not acknowledge the events: " + cause, cause, events);
    }

    @Override
    public void destroy() {
        closed = true;
        lanes.close();
        if (singleProducers instanceof DisposableBean disposable) {
            try {
                disposable.destroy();
            } catch (Exception e) {
                throw new IllegalStateException("Closing the single-event producer failed", e);
            }
        }
    }
}
