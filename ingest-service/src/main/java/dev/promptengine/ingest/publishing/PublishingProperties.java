package dev.promptengine.ingest.publishing;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code promptengine.ingest.publishing}.
 *
 * @param timeout how long a request waits for Kafka before answering 503 (Kafka's own
 *     {@code max.block.ms} / {@code delivery.timeout.ms} are set below it in application.yml)
 * @param retryAfter the {@code Retry-After} the 503 carries
 * @param singleEventLinger {@code linger.ms} of the producer for single events (the transaction
 *     lanes flush each group, so the configured {@code linger.ms} never delays a batch; a single
 *     event would wait for it in full)
 * @param lanes transactional producers committing batches in parallel
 * @param maxEventsPerTransaction how many events a lane groups into one transaction
 * @param maxRecordSize the largest event, as its encoded Kafka key plus Avro value; larger events
 *     answer 413 before anything is sent. The producer's {@code max.request.size} is derived from it
 *     (plus {@link EventPublisher#RECORD_OVERHEAD}); a topic whose {@code max.message.bytes} is smaller
 *     lowers it at start-up (logged), so ingest, producer and broker cannot disagree
 * @param transactionalIdPrefix unique per running instance (a restarted instance may reuse its
 *     prefix, which fences and aborts what its predecessor left open)
 */
@Validated
@ConfigurationProperties("promptengine.ingest.publishing")
public record PublishingProperties(
        @DefaultValue("3500ms") Duration timeout,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("0ms") Duration singleEventLinger,
        @DefaultValue("2") @Min(1) int lanes,
        @DefaultValue("5000") @Min(1) int maxEventsPerTransaction,
        @DefaultValue("1000KB") DataSize maxRecordSize,
        @NotBlank String transactionalIdPrefix) {}
