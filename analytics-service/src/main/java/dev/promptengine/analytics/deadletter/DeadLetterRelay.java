package dev.promptengine.analytics.deadletter;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Copies stored dead letters to {@code <topic>.dlt}, byte for byte, with the reason and the origin in
 * headers ({@link Topics#DEAD_LETTER_REASON_HEADER} and spring-kafka's {@code kafka_dlt-*}), and marks
 * them published once the broker acknowledged them: a transactional outbox. A broker outage only
 * delays the topic copy (the table already holds the record); a crash between the acknowledgement
 * and the mark sends a row again, so readers of the topic see each record at least once.
 */
@Component
class DeadLetterRelay {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRelay.class);
    private static final int BATCH = 200;

    private final DeadLetterStore store;
    private final KafkaTemplate<String, byte[]> kafka;
    private final TransactionTemplate transactions;
    private final AnalyticsProperties properties;

    DeadLetterRelay(
            DeadLetterStore store,
            KafkaTemplate<String, byte[]> kafka,
            WritePool pool,
            AnalyticsProperties properties) {
        this.store = store;
        this.kafka = kafka;
        this.transactions = pool.transactions();
        this.properties = properties;
    }

    @Scheduled(initialDelayString = "1s", fixedDelayString = "${promptengine.analytics.dead-letter-relay-interval:1s}")
    void relay() {
        try {
            Integer sent;
            do {
                sent = transactions.execute(status -> relayBatch());
            } while (sent != null && sent == BATCH);
        } catch (RuntimeException e) {
            log.warn("Dead letters not copied to their topics yet (retrying): {}", e.toString());
        }
    }

    private int relayBatch() {
        var pending = store.lockUnpublished(BATCH);
        if (pending.isEmpty()) {
            return 0;
        }
        var letters = pending.stream().map(DeadLetterStore.Stored::letter).toList();
        Acknowledgements.sendAll(kafka, letters.stream().map(this::record).toList(), "dead letters");
        store.markPublished(pending.stream().map(DeadLetterStore.Stored::id).toList());
        letters.forEach(letter -> log.warn(
                "Dead-lettered {}-{}@{} to {}: {}",
                letter.topic(),
                letter.partition(),
                letter.offset(),
                properties.topics().deadLetter(letter.topic()),
                letter.reason()));
        return pending.size();
    }

    private ProducerRecord<String, byte[]> record(DeadLetter letter) {
        var headers = new RecordHeaders();
        headers.add(Topics.DEAD_LETTER_REASON_HEADER, bytes(letter.reason()));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, bytes(letter.reason()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, bytes(letter.topic()));
        // binary int and long, as spring-kafka's DeadLetterPublishingRecoverer writes them
        headers.add(
                KafkaHeaders.DLT_ORIGINAL_PARTITION,
                ByteBuffer.allocate(Integer.BYTES).putInt(letter.partition()).array());
        headers.add(
                KafkaHeaders.DLT_ORIGINAL_OFFSET,
                ByteBuffer.allocate(Long.BYTES).putLong(letter.offset()).array());
        return new ProducerRecord<>(
                properties.topics().deadLetter(letter.topic()), null, letter.keyText(), letter.value(), headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
