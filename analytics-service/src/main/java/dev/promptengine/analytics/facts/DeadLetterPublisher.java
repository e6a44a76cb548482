package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.AnalyticsProperties;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Sends a poison record, byte for byte, to {@code <topic>.dlt} with the reason and its origin in
 * headers, and waits for the broker's acknowledgement: the record's offset is committed only after
 * that (at least once to the dead-letter topic; a crash in between may send it twice).
 */
@Component
class DeadLetterPublisher {

    static final String REASON_HEADER = "promptengine.dlt.reason";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final AnalyticsProperties properties;

    DeadLetterPublisher(KafkaTemplate<String, byte[]> kafka, AnalyticsProperties properties) {
        this.kafka = kafka;
        this.properties = properties;
    }

    void publish(ConsumerRecord<String, byte[]> record, String reason) {
        var headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON_HEADER, bytes(reason));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, bytes(reason));
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, bytes(record.topic()));
        // binary int and long, as spring-kafka's DeadLetterPublishingRecoverer writes them
        headers.add(
                KafkaHeaders.DLT_ORIGINAL_PARTITION,
                ByteBuffer.allocate(Integer.BYTES).putInt(record.partition()).array());
        headers.add(
                KafkaHeaders.DLT_ORIGINAL_OFFSET,
                ByteBuffer.allocate(Long.BYTES).putLong(record.offset()).array());
        String topic = properties.topics().deadLetter(record.topic());
        try {
            kafka.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot dead-letter " + record.topic() + "-" + record.partition() + "@" + record.offset(), e);
        }
        log.warn(
                "Dead-lettered {}-{}@{} to {}: {}", record.topic(), record.partition(), record.offset(), topic, reason);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
