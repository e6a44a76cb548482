package dev.promptengine.analytics.alert;

import static dev.promptengine.analytics.alert.AlertStore.instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** What the API answers about rules: the rule, its state, its history and its webhook deliveries. */
@Component
class AlertViews {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RuleView(
            UUID id,
            String name,
            @Schema(example = "cost") String metric,
            Map<String, Object> scope,
            @Schema(example = "1h") String window,
            @Schema(example = "threshold") String condition,
            @Schema(example = ">") String operator,

            @Schema(description = "Exact decimal string", example = "25")
            String threshold,

            @JsonInclude(JsonInclude.Include.NON_NULL) String compareTo,

            @Schema(description = "budget only: day, week or month") @JsonInclude(JsonInclude.Include.NON_NULL)
            String budgetPeriod,

            @Schema(description = "budget only: levels in percent of the limit")
            @JsonInclude(JsonInclude.Include.NON_NULL)
            List<String> notifyAt,

            @Schema(description = "anomaly only: weeks of the baseline") @JsonInclude(JsonInclude.Include.NON_NULL)
            Integer baselineWeeks,

            long minVolume,
            int consecutive,
            @Schema(nullable = true) String webhookUrl,
            @Schema(description = "json or slack") String webhookFormat,
            boolean enabled,
            boolean locked,
            @Schema(nullable = true) Instant silencedUntil,
            String createdBy,
            Instant createdAt,
            Instant updatedAt,
            StateView state) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StateView(
            @Schema(description = "ok, pending, firing or resolved", example = "firing")
            String state,

            @Schema(nullable = true, description = "Null before the first evaluation")
            Instant since,

            @Schema(description = "The last compared value (decimal string)", nullable = true)
            String lastValue,

            @Schema(nullable = true) Instant lastEvaluatedAt,
            @Schema(nullable = true) String acknowledgedBy,
            @Schema(nullable = true) Instant acknowledgedAt,

            @Schema(nullable = true, description = "Budgets: the level crossed in this period, percent")
            String level,

            @Schema(nullable = true, description = "Budgets: the period's spend extrapolated, USD")
            String forecast) {

        static final StateView NEVER_EVALUATED =
                new StateView(StateMachine.OK, null, null, null, null, null, null, null);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TransitionView(
            UUID id,
            long sequence,
            String previousState,
            String state,
            @Schema(nullable = true) String value,
            String threshold,
            Instant windowStart,
            Instant windowEnd,
            Instant occurredAt,
            boolean silenced,
            @Schema(nullable = true) String level,
            @Schema(nullable = true) String forecast) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DeliveryView(
            UUID transitionId,
            int attempt,
            Instant attemptedAt,

            @Schema(nullable = true, description = "Null: no answer (timeout, refused)")
            Integer statusCode,

            @Schema(nullable = true) String error,
            long durationMs) {}

    private final JdbcClient jdbc;

    AlertViews(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    RuleView view(AlertRule rule) {
        return view(rule, states(List.of(rule.id())).getOrDefault(rule.id(), StateView.NEVER_EVALUATED));
    }

    List<RuleView> views(Collection<AlertRule> rules) {
        var states = states(rules.stream().map(AlertRule::id).toList());
        return rules.stream()
                .map(r -> view(r, states.getOrDefault(r.id(), StateView.NEVER_EVALUATED)))
                .toList();
    }

    static RuleView view(AlertRule r, StateView state) {
        var scope = new LinkedHashMap<String, Object>();
        putIfSet(scope, "prompt", r.prompt());
        putIfSet(scope, "version", r.promptVersion());
        putIfSet(scope, "environment", r.environment());
        putIfSet(scope, "provider", r.provider());
        putIfSet(scope, "model", r.model());
        putIfSet(scope, "user", r.userIdentifier());
        return new RuleView(
                r.id(),
                r.name(),
                r.metric(),
                scope,
                r.budget() ? null : RuleValidation.describeWindow(r.windowSeconds()),
                r.condition(),
                "above".equals(r.operator()) ? ">" : "<",
                plain(r.threshold()),
                r.compareTo(),
                r.budgetPeriod(),
                r.budget() ? r.levels().stream().map(AlertViews::plain).toList() : null,
                r.baselineWeeks(),
                r.minVolume(),
                r.consecutive(),
                r.webhookUrl(),
                r.webhookFormat(),
                r.enabled(),
                r.locked(),
                r.silencedUntil(),
                r.createdBy(),
                r.createdAt(),
                r.updatedAt(),
                state);
    }

    private Map<UUID, StateView> states(List<UUID> ids) {
        var states = new HashMap<UUID, StateView>();
        if (ids.isEmpty()) {
            return states;
        }
        jdbc.sql("""
                        SELECT rule_id, state, since, last_value, last_evaluated_at, acknowledged_by, acknowledged_at,
                               level, last_forecast
                        FROM alert_state WHERE rule_id IN (:ids)
                        """).param("ids", ids).query(rs -> {
            states.put(
                    rs.getObject("rule_id", UUID.class),
                    new StateView(
                            rs.getString("state"),
                            instant(rs, "since"),
                            plain(rs.getBigDecimal("last_value")),
                            instant(rs, "last_evaluated_at"),
                            rs.getString("acknowledged_by"),
                            instant(rs, "acknowledged_at"),
                            plain(rs.getBigDecimal("level")),
                            plain(rs.getBigDecimal("last_forecast"))));
        });
        return states;
    }

    /** Rule ids of the tenant whose state is {@code state}. */
    List<UUID> inState(String tenant, String state) {
        return jdbc.sql("SELECT rule_id FROM alert_state WHERE tenant = :tenant AND state = :state ORDER BY since")
                .param("tenant", tenant)
                .param("state", state)
                .query(UUID.class)
                .list();
    }

    String state(UUID rule) {
        return jdbc.sql("SELECT state FROM alert_state WHERE rule_id = :rule")
                .param("rule", rule)
                .query(String.class)
                .optional()
                .orElse(StateMachine.OK);
    }

    List<TransitionView> history(UUID rule, int limit) {
        return jdbc.sql("""
                        SELECT id, sequence, previous_state, state, value, threshold, window_start, window_end,
                               occurred_at, silenced, level, forecast
                        FROM alert_transition WHERE rule_id = :rule ORDER BY sequence DESC LIMIT :limit
                        """)
                .param("rule", rule)
                .param("limit", limit)
                .query((rs, n) -> new TransitionView(
                        rs.getObject("id", UUID.class),
                        rs.getLong("sequence"),
                        rs.getString("previous_state"),
                        rs.getString("state"),
                        plain(rs.getBigDecimal("value")),
                        plain(rs.getBigDecimal("threshold")),
                        instant(rs, "window_start"),
                        instant(rs, "window_end"),
                        instant(rs, "occurred_at"),
                        rs.getBoolean("silenced"),
                        plain(rs.getBigDecimal("level")),
                        plain(rs.getBigDecimal("forecast"))))
                .list();
    }

    List<DeliveryView> deliveries(UUID rule, int limit) {
        return jdbc.sql("""
                        SELECT transition_id, attempt, attempted_at, status_code, error, duration_ms
                        FROM webhook_delivery WHERE rule_id = :rule ORDER BY id DESC LIMIT :limit
                        """)
                .param("rule", rule)
                .param("limit", limit)
                .query((rs, n) -> new DeliveryView(
                        rs.getObject("transition_id", UUID.class),
                        rs.getInt("attempt"),
                        instant(rs, "attempted_at"),
                        (Integer) rs.getObject("status_code"),
                        rs.getString("error"),
                        rs.getLong("duration_ms")))
                .list();
    }

    /** Acknowledges a firing rule; false when it is not firing (nothing changed). */
    boolean acknowledge(UUID rule, String by, Instant at) {
        return jdbc.sql("""
                        UPDATE alert_state SET acknowledged_by = :by, acknowledged_at = :at
                        WHERE rule_id = :rule AND state = 'firing'
                        """)
                        .param("by", by)
                        .param("at", AlertStore.timestamp(at))
                        .param("rule", rule)
                        .update()
                == 1;
    }

    static String plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        var stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    private static void putIfSet(Map<String, Object> scope, String name, Object value) {
        if (value != null) {
            scope.put(name, value);
        }
    }
}
