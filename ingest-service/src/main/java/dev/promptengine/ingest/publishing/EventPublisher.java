package dev.promptengine.ingest.publishing;

import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
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

    private final ProducerFactory<String, SpecificRecord> singleProducers;
    private final KafkaTemplate<String, SpecificRecord> template;
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
    private final TransactionLanes lanes;
    private final Duration timeout;
    private final Duration commitGrace;
    private final Timer singleLatency;
    private final Timer transactionLatency;

    EventPublisher(
            ProducerFactory<String, SpecificRecord> producerFactory,
            PublishingProperties properties,
            MeterRegistry meters) {
        this.singleProducers =
                producerFactory.copyWithConfigurationOverride(Map.of(ProducerConfig.LINGER_MS_CONFIG, (int)
                        properties.singleEventLinger().toMillis()));
        this.template = new KafkaTemplate<>(singleProducers);
        var config = producerFactory.getConfigurationProperties();
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
                },
                "ingest-producer-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private static Timer latencyTimer(MeterRegistry meters, String mode) {
        return Timer.builder("promptengine.ingest.produce.latency")
                .description("From handing a request's records to Kafka until Kafka acknowledged all of them")
                .tag("mode", mode)
                .publishPercentileHistogram()
                .register(meters);
    }

    public void publish(List<ProducerRecord<String, SpecificRecord>> records) {
        long started = System.nanoTime();
        if (records.size() == 1) {
            publishOne(records.get(0));
            singleLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        } else {
            publishInTransaction(records);
            transactionLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void publishOne(ProducerRecord<String, SpecificRecord> record) {
        CompletableFuture<?> sent;
        try {
            sent = template.send(record);
        } catch (RuntimeException e) {
            throw unavailable(e, 1);
        }
        try {
            sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause(), 1);
        } catch (TimeoutException e) {
            throw unavailable(e, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e, 1);
        }
    }

    private void publishInTransaction(List<ProducerRecord<String, SpecificRecord>> records) {
        var encoded = new ArrayList<ProducerRecord<String, byte[]>>(records.size());
        try {
            for (var record : records) {
                encoded.add(new ProducerRecord<>(
                        record.topic(), record.key(), serializer.serialize(record.topic(), record.value())));
            }
        } catch (RuntimeException e) {
            throw unavailable(e, records.size());
        }
        var pending = new PendingPublish(encoded);
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
            throw unavailable(e.getCause(), records.size());
        } catch (TimeoutException e) {
            throw unavailable(e, records.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.abandon();
            throw unavailable(e, records.size());
        }
    }

    private static KafkaUnavailableException unavailable(Throwable cause, int events) {
        return new KafkaUnavailableException("Kafka did not acknowledge the events: " + cause, cause, events);
    }

    @Override
    public void destroy() {
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
