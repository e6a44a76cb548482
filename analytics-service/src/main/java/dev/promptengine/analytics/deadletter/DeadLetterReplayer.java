package dev.promptengine.analytics.deadletter;

import dev.promptengine.analytics.WritePool;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends dead letters back to the topic they came from, byte for byte with their key, and marks them
 * replayed once the broker acknowledged them. The pipeline then takes them like any record: counted
 * if they are acceptable now (raised retention, fixed decoder), dead-lettered again (as a new row)
 * if not. Exactly once: a row is replayed by one caller only (rows locked with {@code SKIP
 * LOCKED}, then marked), and a record sent twice after a crash between acknowledgement and mark is
 * a duplicate of the same event id, which the facts tables store once.
 */
@Component
class DeadLetterReplayer {

    /** What one replay did. */
    record Replayed(int count, List<Long> ids) {}

    private final DeadLetterStore store;
    private final KafkaTemplate<String, byte[]> kafka;
    private final TransactionTemplate transactions;

    DeadLetterReplayer(DeadLetterStore store, KafkaTemplate<String, byte[]> kafka, WritePool pool) {
        this.store = store;
        this.kafka = kafka;
        this.transactions = pool.transactions();
    }

    /**
     * @param tenant the caller's tenant, or null for a platform admin (every tenant, and records of
     *     no known tenant)
     */
    Replayed replay(String tenant, String topic, Instant since, int limit) {
        return transactions.execute(status -> {
            var rows = store.lockForReplay(tenant, topic, since, limit);
            Acknowledgements.sendAll(
                    kafka,
                    rows.stream()
                            .map(DeadLetterStore.Stored::letter)
                            .map(letter -> new ProducerRecord<>(letter.topic(), letter.keyText(), letter.value()))
                            .toList(),
                    "the replayed records");
            var ids = rows.stream().map(DeadLetterStore.Stored::id).toList();
            store.markReplayed(ids);
            return new Replayed(ids.size(), ids);
        });
    }
}
