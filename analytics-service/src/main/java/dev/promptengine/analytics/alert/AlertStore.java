package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.WritePool;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The evaluator's writes: a rule's state, and each transition with its outbox rows, in the caller's
 * transaction on the write pool. A state moves only from the sequence it was read at, so a
 * transition is recorded once even if two evaluators ever raced (the advisory lock prevents that).
 */
@Component
class AlertStore {

    static final long EVALUATION_LOCK = 0x616c657274457661L; // "alertEva"
    static final long NOTIFICATION_LOCK = 0x616c6572744e6f74L; // "alertNot"

    /** A rule's stored state; {@link #initial} before its first evaluation. */
    record State(String state, int breaches, long sequence, Instant lastEvaluatedAt, BigDecimal level) {

        static State initial() {
            return new State(StateMachine.OK, 0, 0, null, null);
        }
    }

    private final WritePool pool;

    AlertStore(WritePool pool) {
        this.pool = pool;
    }

    /** Takes the transaction-scoped lock; false when another instance holds it. */
    boolean tryLock(long key) {
        return pool.jdbc()
                .sql("SELECT pg_try_advisory_xact_lock(:key)")
                .param("key", key)
                .query(Boolean.class)
                .single();
    }

    Map<UUID, State> states() {
        var states = new HashMap<UUID, State>();
        pool.jdbc()
                .sql("SELECT rule_id, state, breaches, sequence, last_evaluated_at, level FROM alert_state")
                .query(rs -> {
                    states.put(
                            rs.getObject("rule_id", UUID.class),
                            new State(
                                    rs.getString("state"),
                                    rs.getInt("breaches"),
                                    rs.getLong("sequence"),
                                    instant(rs, "last_evaluated_at"),
                                    rs.getBigDecimal("level")));
                });
        return states;
    }

    /** An evaluation that changed nothing but the breach count, the last value and the forecast. */
    record Evaluation(UUID rule, long sequence, int breaches, BigDecimal value, BigDecimal forecast) {}

    /** Records an evaluation of a rule that has no state row yet (its first). */
    void firstEvaluation(AlertRule rule, StateMachine.Step step, RuleCheck.Result result, Instant now) {
        insertState(rule, step, result, now, 0);
    }

    /**
     * Records a cycle's quiet evaluations in one statement (arrays of the rows, unnested), instead
     * of an UPDATE per rule; a row whose state moved on meanwhile (another sequence) is left alone.
     */
    void evaluated(List<Evaluation> evaluations, Instant now) {
        if (evaluations.isEmpty()) {
            return;
        }
        pool.jdbc()
                .sql("""
                        UPDATE alert_state s
                        SET breaches = v.breaches, last_value = v.value, last_evaluated_at = :now,
                            last_forecast = v.forecast
                        FROM unnest(string_to_array(:rules, ',')::uuid[],
                                    string_to_array(:sequences, ',')::bigint[],
                                    string_to_array(:breaches, ',')::int[],
                                    string_to_array(:values, ',', '')::numeric[],
                                    string_to_array(:forecasts, ',', '')::numeric[])
                             AS v(rule_id, sequence, breaches, value, forecast)
                        WHERE s.rule_id = v.rule_id AND s.sequence = v.sequence
                        """)
                .param("rules", join(evaluations, e -> e.rule().toString()))
                .param("sequences", join(evaluations, e -> Long.toString(e.sequence())))
                .param("breaches", join(evaluations, e -> Integer.toString(e.breaches())))
                .param("values", join(evaluations, e -> plain(e.value())))
                .param("forecasts", join(evaluations, e -> plain(e.forecast())))
                .param("now", timestamp(now))
                .update();
    }

    private static String join(List<Evaluation> evaluations, Function<Evaluation, String> field) {
        return evaluations.stream().map(field).collect(Collectors.joining(","));
    }

    /** Exact and comma-free; the empty string stands for null in the arrays above. */
    private static String plain(BigDecimal value) {
        return value == null ? "" : value.toPlainString();
    }

    /**
     * Moves the state and records the transition and its notifications (the alert event always, the
     * webhook when the rule has one and is not silenced). False when the state had moved on already.
     */
    boolean transition(
            AlertRule rule,
            State from,
            StateMachine.Step step,
            RuleCheck.Result result,
            Instant now,
            boolean silenced) {
        long sequence = from.sequence() + 1;
        int moved;
        if (from.lastEvaluatedAt() == null) {
            moved = insertState(rule, step, result, now, sequence);
        } else {
            moved = pool.jdbc()
                    .sql("""
                            UPDATE alert_state
                            SET state = :state, since = :now, breaches = :breaches, sequence = :next,
                                last_value = :value, last_evaluated_at = :now, level = :level,
                                last_forecast = :forecast,
                                acknowledged_by = CASE WHEN :state = 'firing' THEN NULL ELSE acknowledged_by END,
                                acknowledged_at = CASE WHEN :state = 'firing' THEN NULL ELSE acknowledged_at END
                            WHERE rule_id = :rule AND sequence = :sequence
                            """)
                    .param("state", step.state())
                    .param("now", timestamp(now))
                    .param("breaches", step.breaches())
                    .param("next", sequence)
                    .param("level", result.level())
                    .param("forecast", result.forecast())
                    .param("value", result.value())
                    .param("rule", rule.id())
                    .param("sequence", from.sequence())
                    .update();
        }
        if (moved == 0) {
            return false;
        }
        UUID id = UUID.randomUUID();
        pool.jdbc()
                .sql("""
                        INSERT INTO alert_transition (id, rule_id, tenant, sequence, previous_state, state, value,
                            threshold, window_start, window_end, occurred_at, silenced, level, forecast)
                        VALUES (:id, :rule, :tenant, :sequence, :previous, :state, :value, :threshold, :start, :end,
                            :now, :silenced, :level, :forecast)
                        """)
                .param("id", id)
                .param("rule", rule.id())
                .param("tenant", rule.tenant())
                .param("sequence", sequence)
                .param("previous", from.state())
                .param("state", step.state())
                .param("value", result.value())
                .param("threshold", result.comparedWith() != null ? result.comparedWith() : rule.threshold())
                .param("start", timestamp(result.windowStart()))
                .param("end", timestamp(result.windowEnd()))
                .param("now", timestamp(now))
                .param("silenced", silenced)
                .param("level", result.level())
                .param("forecast", result.forecast())
                .update();
        var channels = rule.webhookUrl() != null && !silenced ? List.of("kafka", "webhook") : List.of("kafka");
        for (String channel : channels) {
            pool.jdbc()
                    .sql("""
                            INSERT INTO alert_notification (transition_id, channel, next_attempt_at)
                            VALUES (:id, :channel, :now)
                            """)
                    .param("id", id)
                    .param("channel", channel)
                    .param("now", timestamp(now))
                    .update();
        }
        return true;
    }

    private int insertState(
            AlertRule rule, StateMachine.Step step, RuleCheck.Result result, Instant now, long sequence) {
        return pool.jdbc()
                .sql("""
                        INSERT INTO alert_state (rule_id, tenant, state, since, breaches, sequence, last_value,
                            last_evaluated_at, level, last_forecast)
                        VALUES (:rule, :tenant, :state, :now, :breaches, :sequence, :value, :now, :level, :forecast)
                        ON CONFLICT (rule_id) DO NOTHING
                        """)
                .param("rule", rule.id())
                .param("tenant", rule.tenant())
                .param("state", step.state())
                .param("now", timestamp(now))
                .param("breaches", step.breaches())
                .param("sequence", sequence)
                .param("value", result.value())
                .param("level", sequence == 0 ? null : result.level())
                .param("forecast", result.forecast())
                .update();
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
