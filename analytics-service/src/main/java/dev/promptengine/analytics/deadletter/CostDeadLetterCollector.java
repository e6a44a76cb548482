package dev.promptengine.analytics.deadletter;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Copies cost-service's dead letters ({@code <execution topic>.dlt}, written in its transactions
 * with spring-kafka's {@code kafka_dlt-*} headers) into {@code dead_letter}, so every dead letter of
 * the pipeline is counted, listed and replayable in one place. Idempotent on the record's origin
 * (topic, partition, offset), so a batch read twice stores nothing twice; a batch that cannot be
 * stored is read again (the offsets are acknowledged only after the insert).
 */
@Component
class CostDeadLetterCollector {

    private static final Logger log = LoggerFactory.getLogger(CostDeadLetterCollector.class);
    private static final String DESERIALIZATION = "DeserializationException";

    private final DeadLetterStore store;
    private final AnalyticsProperties properties;
    private final MeterRegistry meters;
    private final AvroDeserializer<LlmExecution> avro = new AvroDeserializer<>();

    CostDeadLetterCollector(DeadLetterStore store, AnalyticsProperties properties, MeterRegistry meters) {
        this.store = store;
        this.properties = properties;
        this.meters = meters;
    }

    /** The topic read, for the {@code @KafkaListener} expression. */
    public String topic() {
        return properties.topics().deadLetter(properties.topics().execution());
    }

    @KafkaListener(
            id = "analytics-cost-dead-letters",
            topics = "#{__listener.topic()}",
            groupId = "${spring.kafka.consumer.group-id}-cost-dead-letters",
            concurrency = "1")
    void collect(List<ConsumerRecord<String, byte[]>> records, Acknowledgment ack) {
        int stored = 0;
        for (var record : records) {
            var letter = letter(record);
            if (store.insertPublished(List.of(letter)) == 1) {
                stored++;
                DeadLetterMetrics.count(meters, letter); // counted like analytics' own dead letters
            }
        }
        ack.acknowledge();
        if (stored > 0) {
            log.info("Collected {} dead letter(s) of cost-service from {}", stored, topic());
        }
    }

    private DeadLetter letter(ConsumerRecord<String, byte[]> record) {
        String topic = text(record, KafkaHeaders.DLT_ORIGINAL_TOPIC);
        Integer partition = intHeader(record, KafkaHeaders.DLT_ORIGINAL_PARTITION);
        Long offset = longHeader(record, KafkaHeaders.DLT_ORIGINAL_OFFSET);
        String group = text(record, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);
        String reason = text(record, Topics.DEAD_LETTER_REASON_HEADER);
        if (reason == null) {
            reason = text(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
        }
        String exception = text(record, KafkaHeaders.DLT_EXCEPTION_FQCN);
        String tenant = null;
        java.util.UUID eventId = null;
        String kind = exception != null && exception.endsWith(DESERIALIZATION) ? "undecodable" : "invalid_field";
        if (record.value() != null && !"undecodable".equals(kind)) {
            try {
                LlmExecution execution = avro.deserialize(topic == null ? record.topic() : topic, record.value());
                tenant = execution.getTenant();
                eventId = execution.getId();
            } catch (RuntimeException e) {
                kind = "undecodable";
            }
        }
        return new DeadLetter(
                group == null ? "cost-service" : group,
                topic == null ? properties.topics().execution() : topic,
                partition == null ? record.partition() : partition,
                // without origin headers, the position on the dead-letter topic itself (negative) is the key
                offset == null ? -1 - record.offset() : offset,
                tenant,
                eventId,
                eventId == null ? null : "execution",
                kind,
                reason == null ? "dead-lettered by cost-service (no reason header)" : reason,
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value());
    }

    private static String text(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Integer intHeader(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null || header.value().length != Integer.BYTES
                ? null
                : ByteBuffer.wrap(header.value()).getInt();
    }

    private static Long longHeader(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null || header.value().length != Long.BYTES
                ? null
                : ByteBuffer.wrap(header.value()).getLong();
    }
}
