package dev.promptengine.cost.pricing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Counts executions that no price matched, per provider and model, with the first and last event
 * time seen. The enrichment reports only what its Kafka transaction committed; counts are kept in
 * memory and added to PostgreSQL every few seconds (one upsert per model, never one per record), so
 * several instances add up. The {@code promptengine.cost.unpriced} counter rises at once.
 */
@Component
public class UnpricedModels {

    /** One row of {@code GET /v1/prices/unpriced}. */
    record UnpricedModel(String provider, String model, long count, Instant firstSeen, Instant lastSeen) {}

    private record Tally(long count, Instant firstSeen, Instant lastSeen) {
        Tally add(Tally other) {
            return new Tally(
                    count + other.count,
                    firstSeen.isBefore(other.firstSeen) ? firstSeen : other.firstSeen,
                    lastSeen.isAfter(other.lastSeen) ? lastSeen : other.lastSeen);
        }
    }

    private final JdbcClient jdbc;
    private final MeterRegistry meters;
    private Map<List<String>, Tally> pending = new HashMap<>();

    UnpricedModels(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
    }

    /** Counts executions that were committed as UNPRICED. */
    public synchronized void record(
            String provider, String model, long executions, Instant firstSeen, Instant lastSeen) {
        pending.merge(List.of(provider, model), new Tally(executions, firstSeen, lastSeen), Tally::add);
        Counter.builder("promptengine.cost.unpriced")
                .description("Executions no catalog price matched")
                .tag("provider", provider)
                .register(meters)
                .increment(executions);
    }

    @Scheduled(fixedDelayString = "${promptengine.pricing.unpriced-flush-interval:2s}")
    @Transactional
    public void flush() {
        Map<List<String>, Tally> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
        }
        try {
            batch.forEach((key, tally) -> jdbc.sql("""
                            INSERT INTO unpriced_models (provider, model, executions, first_seen, last_seen)
                            VALUES (:provider, :model, :count, :first, :last)
                            ON CONFLICT (provider, model) DO UPDATE SET
                                executions = unpriced_models.executions + EXCLUDED.executions,
                                first_seen = LEAST(unpriced_models.first_seen, EXCLUDED.first_seen),
                                last_seen = GREATEST(unpriced_models.last_seen, EXCLUDED.last_seen)
                            """)
                    .param("provider", key.get(0))
                    .param("model", key.get(1))
                    .param("count", tally.count())
                    .param("first", Timestamp.from(tally.firstSeen()))
                    .param("last", Timestamp.from(tally.lastSeen()))
                    .update());
        } catch (RuntimeException e) {
            synchronized (this) {
                batch.forEach((key, tally) -> pending.merge(key, tally, Tally::add)); // try again next time
            }
            throw e;
        }
    }

    List<UnpricedModel> list() {
        return jdbc.sql("""
                        SELECT provider, model, executions, first_seen, last_seen
                          FROM unpriced_models
                         ORDER BY executions DESC, provider, model
                        """)
                .query((rs, n) -> new UnpricedModel(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5).toInstant()))
                .list();
    }
}
