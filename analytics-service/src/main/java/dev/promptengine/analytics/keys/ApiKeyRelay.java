package dev.promptengine.analytics.keys;

import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.deadletter.Acknowledgements;
import dev.promptengine.events.ApiKey;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the state of every changed key to {@link Topics#API_KEYS}: the database is the source of
 * truth, and a row whose {@code published_version} is behind its {@code version} is sent again every
 * {@code promptengine.analytics.keys.relay-interval} (default 1 s) until the broker acknowledged it,
 * so a broker outage delays a revocation but never loses it. The first run after a start publishes
 * every key (a topic that lost records heals). One instance relays at a time (advisory lock): each
 * run reads the rows as they are then, so the last record of a key on the topic is always its
 * latest state, which is what compaction keeps.
 */
@Component
class ApiKeyRelay {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyRelay.class);
    static final long RELAY_LOCK = 0x6170694b65797352L; // "apiKeysR"
    private static final int BATCH = 500;

    private final KafkaTemplate<String, byte[]> kafka;
    private final WritePool pool;
    private final TransactionTemplate transactions;
    private final AvroSerializer<ApiKey> avro = new AvroSerializer<>();
    private volatile boolean republishAll = true;

    ApiKeyRelay(KafkaTemplate<String, byte[]> kafka, WritePool pool) {
        this.kafka = kafka;
        this.pool = pool;
        this.transactions = pool.transactions();
    }

    @Scheduled(initialDelayString = "0", fixedDelayString = "${promptengine.analytics.keys.relay-interval:1s}")
    void relay() {
        try {
            Integer sent;
            do {
                sent = transactions.execute(status -> relayBatch());
            } while (sent != null && sent == BATCH);
        } catch (RuntimeException e) {
            log.warn("API key changes not published yet (retrying): {}", e.toString());
        }
    }

    /** Publishes one batch of pending keys; answers how many (0 when another instance relays). */
    int relayBatch() {
        var jdbc = pool.jdbc();
        boolean leader = jdbc.sql("SELECT pg_try_advisory_xact_lock(:lock)")
                .param("lock", RELAY_LOCK)
                .query(Boolean.class)
                .single();
        if (!leader) {
            return 0;
        }
        boolean all = republishAll;
        List<ApiKey> pending = jdbc.sql("""
                        SELECT id, name, tenant, role, sha256, version, created_at, expires_at, revoked_at
                        FROM api_key
                        WHERE :all OR published_version < version
                        ORDER BY id
                        """ + (all ? "" : " LIMIT " + BATCH))
                .param("all", all)
                .query((rs, n) -> event(rs))
                .list();
        if (!pending.isEmpty()) {
            Acknowledgements.sendAll(
                    kafka,
                    pending.stream()
                            .map(key -> new ProducerRecord<>(
                                    Topics.API_KEYS.name(),
                                    key.getId().toString(),
                                    avro.serialize(Topics.API_KEYS.name(), key)))
                            .toList(),
                    "API key changes");
            for (var key : pending) {
                jdbc.sql(
                                "UPDATE api_key SET published_version = :version WHERE id = :id AND published_version < :version")
                        .param("version", key.getVersion())
                        .param("id", key.getId())
                        .update();
            }
            log.info("Published {} API key change(s) to {}", pending.size(), Topics.API_KEYS.name());
        }
        republishAll = false;
        return all ? 0 : pending.size();
    }

    private static ApiKey event(ResultSet rs) throws SQLException {
        return ApiKey.newBuilder()
                .setId(rs.getObject("id", UUID.class))
                .setName(rs.getString("name"))
                .setTenant(rs.getString("tenant"))
                .setRole(rs.getString("role"))
                .setSha256(rs.getString("sha256"))
                .setVersion(rs.getLong("version"))
                .setCreatedAt(instant(rs.getTimestamp("created_at")))
                .setExpiresAt(instant(rs.getTimestamp("expires_at")))
                .setRevokedAt(instant(rs.getTimestamp("revoked_at")))
                .build();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
