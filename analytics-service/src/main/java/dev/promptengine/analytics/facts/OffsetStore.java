package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.WritePool;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Kafka offsets kept in PostgreSQL next to the facts they produced, with a fencing epoch per
 * partition. Claiming a partition bumps its epoch; a batch commits only while its epoch is still
 * the stored one, so an instance that lost a partition in a rebalance cannot commit it any more.
 */
@Component
class OffsetStore {

    static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    record Position(long nextOffset, long epoch) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    OffsetStore(WritePool pool) {
        this.jdbc = pool.jdbc();
        this.transactions = pool.transactions();
    }

    /**
     * Takes ownership of the partitions: bumps each epoch and returns where consumption resumes.
     * Waits for a batch of the previous owner that holds the row lock, so it sees that batch's
     * offsets once it has committed.
     */
    Map<TopicPartition, Position> claim(String group, Collection<TopicPartition> partitions, String owner) {
        return transactions.execute(status -> {
            var positions = new LinkedHashMap<TopicPartition, Position>();
            partitions.stream()
                    .sorted(ORDER)
                    .forEach(tp -> positions.put(
                            tp,
                            jdbc.sql("""
                            INSERT INTO consumer_offset (consumer_group, topic, kafka_partition, next_offset, epoch, owner)
                            VALUES (:group, :topic, :partition, 0, 1, :owner)
                            ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
                                SET epoch = consumer_offset.epoch + 1, owner = excluded.owner, updated_at = now()
                            RETURNING next_offset, epoch
                            """)
                                    .param("group", group)
                                    .param("topic", tp.topic())
                                    .param("partition", tp.partition())
                                    .param("owner", owner)
                                    .query((rs, n) -> new Position(rs.getLong(1), rs.getLong(2)))
                                    .single()));
            return positions;
        });
    }

    /**
     * Within the batch transaction: locks the partitions' rows (in a fixed order) and returns their
     * stored positions. Throws {@link PartitionFencedException} for partitions whose epoch moved on.
     */
    Map<TopicPartition, Long> lockOwned(String group, Map<TopicPartition, Long> epochs) {
        var sorted = epochs.keySet().stream().sorted(ORDER).toList();
        var stored = new LinkedHashMap<TopicPartition, Position>();
        for (TopicPartition tp : sorted) {
            jdbc.sql("""
                            SELECT next_offset, epoch FROM consumer_offset
                            WHERE consumer_group = :group AND topic = :topic AND kafka_partition = :partition
                            FOR UPDATE
                            """)
                    .param("group", group)
                    .param("topic", tp.topic())
                    .param("partition", tp.partition())
                    .query((rs, n) -> new Position(rs.getLong(1), rs.getLong(2)))
                    .optional()
                    .ifPresent(position -> stored.put(tp, position));
        }
        List<TopicPartition> fenced = sorted.stream()
                .filter(tp -> !stored.containsKey(tp) || stored.get(tp).epoch() != epochs.get(tp))
                .toList();
        if (!fenced.isEmpty()) {
            throw new PartitionFencedException(fenced);
        }
        var next = new LinkedHashMap<TopicPartition, Long>();
        stored.forEach((tp, position) -> next.put(tp, position.nextOffset()));
        return next;
    }

    /** Within the batch transaction, after {@link #lockOwned}: the batch's new positions. */
    void advance(String group, Map<TopicPartition, Long> nextOffsets) {
        nextOffsets.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(ORDER))
                .forEach(e -> jdbc.sql("""
                                UPDATE consumer_offset SET next_offset = :next, updated_at = now()
                                WHERE consumer_group = :group AND topic = :topic AND kafka_partition = :partition
                                """)
                        .param("next", e.getValue())
                        .param("group", group)
                        .param("topic", e.getKey().topic())
                        .param("partition", e.getKey().partition())
                        .update());
    }
}
