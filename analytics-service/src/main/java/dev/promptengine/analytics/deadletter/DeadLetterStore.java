package dev.promptengine.analytics.deadletter;

import dev.promptengine.analytics.WritePool;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code dead_letter} table. {@link #insert} runs inside the caller's transaction (the facts
 * batch that advances the offsets past the records), so each poison record is stored once however
 * often a batch is retried; the relay and replay lock rows with {@code SKIP LOCKED} so that several
 * instances share the work without sending a row twice.
 */
@Component
public class DeadLetterStore {

    /** A stored dead letter: the letter, and what the table adds to it. */
    public record Stored(long id, Instant deadLetteredAt, DeadLetter letter, Instant publishedAt, Instant replayedAt) {}

    private static final String COLUMNS = "id, dead_lettered_at, consumer_group, source_topic, source_partition,"
            + " source_offset, tenant, event_id, event_type, reason_kind, reason, record_key, record_value,"
            + " published_at, replayed_at";

    /** Inserts, relay and replay: the write path's pool (the insert joins the facts batch's transaction). */
    private final JdbcClient jdbc;
    /** Pages and counts for the admin API: the API's pool. */
    private final JdbcClient queries;

    DeadLetterStore(WritePool pool, JdbcClient queries) {
        this.jdbc = pool.jdbc();
        this.queries = queries;
    }

    /** Stores the batch's poison records; a record already stored (same group and offset) is left as is. */
    public void insert(Collection<DeadLetter> letters) {
        insert(letters, false);
    }

    /**
     * Stores dead letters another service already put on its dead-letter topic (so the relay leaves
     * them alone); idempotent on their origin, so reading that topic at least once is enough.
     */
    int insertPublished(Collection<DeadLetter> letters) {
        return insert(letters, true);
    }

    private int insert(Collection<DeadLetter> letters, boolean published) {
        int inserted = 0;
        for (DeadLetter letter : letters) {
            inserted += jdbc.sql("""
                            INSERT INTO dead_letter (consumer_group, source_topic, source_partition, source_offset,
                                tenant, event_id, event_type, reason_kind, reason, record_key, record_value,
                                published_at)
                            VALUES (:group, :topic, :partition, :offset, :tenant, :eventId, :eventType, :kind,
                                :reason, :key, :value, CASE WHEN :published THEN now() END)
                            ON CONFLICT (consumer_group, source_topic, source_partition, source_offset) DO NOTHING
                            """)
                    .param("published", published)
                    .param("group", letter.group())
                    .param("topic", letter.topic())
                    .param("partition", letter.partition())
                    .param("offset", letter.offset())
                    .param("tenant", letter.tenant())
                    .param("eventId", letter.eventId())
                    .param("eventType", letter.eventType())
                    .param("kind", letter.kind())
                    .param("reason", letter.reason())
                    .param("key", letter.key())
                    .param("value", letter.value())
                    .update();
        }
        return inserted;
    }

    /** Up to {@code limit} rows not yet on their dead-letter topic, oldest first, locked until commit. */
    List<Stored> lockUnpublished(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dead_letter WHERE published_at IS NULL ORDER BY id"
                        + " LIMIT :limit FOR UPDATE SKIP LOCKED")
                .param("limit", limit)
                .query((rs, row) -> read(rs))
                .list();
    }

    void markPublished(Collection<Long> ids) {
        jdbc.sql("UPDATE dead_letter SET published_at = now() WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(Long[]::new))
                .update();
    }

    /**
     * Rows to replay, oldest first, locked until commit: not replayed yet, from {@code topic}, dead-
     * lettered at or after {@code since}, of {@code tenant} (null: every tenant, and records of no
     * known tenant).
     */
    List<Stored> lockForReplay(String tenant, String topic, Instant since, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + """
                         FROM dead_letter
                        WHERE replayed_at IS NULL AND source_topic = :topic AND dead_lettered_at >= :since
                          AND (CAST(:tenant AS text) IS NULL OR tenant = :tenant)
                        ORDER BY id
                        LIMIT :limit
                        FOR UPDATE SKIP LOCKED
                        """)
                .param("topic", topic)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .param("tenant", tenant)
                .param("limit", limit)
                .query((rs, row) -> read(rs))
                .list();
    }

    void markReplayed(Collection<Long> ids) {
        jdbc.sql("UPDATE dead_letter SET replayed_at = now() WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(Long[]::new))
                .update();
    }

    /** One page, newest first (keyset on id); {@code tenant} null lists every tenant's. */
    List<Stored> page(String tenant, String topic, String kind, Instant from, Instant to, Long beforeId, int limit) {
        return queries.sql("SELECT " + COLUMNS + """
                         FROM dead_letter
                        WHERE dead_lettered_at >= :from AND dead_lettered_at < :to
                          AND (CAST(:tenant AS text) IS NULL OR tenant = :tenant)
                          AND (CAST(:topic AS text) IS NULL OR source_topic = :topic)
                          AND (CAST(:kind AS text) IS NULL OR reason_kind = :kind)
                          AND (CAST(:before AS bigint) IS NULL OR id < :before)
                        ORDER BY id DESC
                        LIMIT :limit
                        """)
                .param("from", from.atOffset(ZoneOffset.UTC))
                .param("to", to.atOffset(ZoneOffset.UTC))
                .param("tenant", tenant)
                .param("topic", topic)
                .param("kind", kind)
                .param("before", beforeId)
                .param("limit", limit)
                .query((rs, row) -> read(rs))
                .list();
    }

    /** Counts by topic, tenant and kind over a range, for the dashboard. */
    @tools.jackson.databind.annotation.JsonNaming(
            tools.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Count(String topic, String tenant, String kind, long deadLetters, long replayed) {}

    List<Count> counts(String tenant, Instant from, Instant to) {
        return queries.sql("""
                        SELECT source_topic, tenant, reason_kind, count(*) AS dead_letters,
                               count(replayed_at) AS replayed
                        FROM dead_letter
                        WHERE dead_lettered_at >= :from AND dead_lettered_at < :to
                          AND (CAST(:tenant AS text) IS NULL OR tenant = :tenant)
                        GROUP BY source_topic, tenant, reason_kind
                        ORDER BY dead_letters DESC, source_topic, reason_kind
                        """)
                .param("from", from.atOffset(ZoneOffset.UTC))
                .param("to", to.atOffset(ZoneOffset.UTC))
                .param("tenant", tenant)
                .query((rs, row) -> new Count(
                        rs.getString("source_topic"),
                        rs.getString("tenant"),
                        rs.getString("reason_kind"),
                        rs.getLong("dead_letters"),
                        rs.getLong("replayed")))
                .list();
    }

    private static Stored read(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Stored(
                rs.getLong("id"),
                rs.getObject("dead_lettered_at", OffsetDateTime.class).toInstant(),
                new DeadLetter(
                        rs.getString("consumer_group"),
                        rs.getString("source_topic"),
                        rs.getInt("source_partition"),
                        rs.getLong("source_offset"),
                        rs.getString("tenant"),
                        rs.getObject("event_id", UUID.class),
                        rs.getString("event_type"),
                        rs.getString("reason_kind"),
                        rs.getString("reason"),
                        rs.getBytes("record_key"),
                        rs.getBytes("record_value")),
                instant(rs.getObject("published_at", OffsetDateTime.class)),
                instant(rs.getObject("replayed_at", OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
