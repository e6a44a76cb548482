package dev.promptengine.cost.pricing;

import dev.promptengine.service.sql.SqlStates;
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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UnpricedModels.class);

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

    /**
     * Upserts what was counted since the last flush, one statement per model, each committed alone:
     * a model PostgreSQL refuses for its data (a NUL character, a name too long for the index entry:
     * SQLSTATE class 22, 23 or 54) is left out with a logged reason and counted in {@code
     * promptengine.cost.unpriced.unstorable}, so it cannot stop the others from being recorded
     * (its executions were costed as UNPRICED all the same). Any other failure (database away) keeps
     * what is not stored yet for the next flush.
     */
    @Scheduled(fixedDelayString = "${promptengine.pricing.unpriced-flush-interval:2s}")
    public void flush() {
        Map<List<String>, Tally> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
        }
        var remaining = new HashMap<>(batch);
        try {
            for (var entry : batch.entrySet()) {
                var key = entry.getKey();
                var tally = entry.getValue();
                try {
                    upsert(key, tally);
                } catch (RuntimeException e) {
                    var refused = SqlStates.dataError(e);
                    if (refused == null) {
                        throw e;
                    }
                    String state = refused.getSQLState();
                    log.warn(
                            "Unpriced model {}/{} ({} executions) cannot be stored (SQLSTATE {}); left out of"
                                    + " the unpriced list",
                            key.get(0).replace('\u0000', '?'),
                            abbreviate(key.get(1).replace('\u0000', '?')),
                            tally.count(),
                            state);
                    Counter.builder("promptengine.cost.unpriced.unstorable")
                            .description(
                                    "Unpriced models the unpriced list could not store (their executions were costed)")
                            .register(meters)
                            .increment(tally.count());
                }
                remaining.remove(key);
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                remaining.forEach((key, tally) -> pending.merge(key, tally, Tally::add)); // try again next time
            }
            throw e;
        }
    }

    private void upsert(List<String> key, Tally tally) {
        jdbc.sql("""
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
                .update();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "… (" + text.length() + " characters)";
    }

    /**
     * What a new row would price among the models seen without a price (its exact model or its
     * pattern, same provider): their executions and first/last event time, or empty when none.
     */
    java.util.Optional<Offer> offerFor(Price price) {
        flush();
        var pattern = price.matchPattern() == null
                ? null
                : MatchPatterns.compile(price.matchPattern()).orElse(null);
        var matched = list().stream()
                .filter(row -> row.provider().trim().equalsIgnoreCase(price.provider()))
                .filter(row -> row.model().trim().equalsIgnoreCase(price.model())
                        || (pattern != null && pattern.matcher(row.model()).matches()))
                .toList();
        if (matched.isEmpty()) {
            return java.util.Optional.empty();
        }
        long executions = matched.stream().mapToLong(UnpricedModel::count).sum();
        Instant first = matched.stream()
                .map(UnpricedModel::firstSeen)
                .min(Instant::compareTo)
                .orElseThrow();
        Instant last = matched.stream()
                .map(UnpricedModel::lastSeen)
                .max(Instant::compareTo)
                .orElseThrow();
        return java.util.Optional.of(new Offer(
                executions,
                first,
                last,
                matched.stream().map(UnpricedModel::model).toList(),
                matched.size() == 1 ? matched.get(0).model() : null));
    }

    /** The unpriced executions a new row covers; {@code model} is set when they are of one model name. */
    record Offer(long executions, Instant firstSeen, Instant lastSeen, List<String> models, String model) {}

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
