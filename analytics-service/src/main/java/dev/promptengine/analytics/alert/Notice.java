package dev.promptengine.analytics.alert;

import dev.promptengine.events.Alert;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * One transition as it is notified: the Avro {@link Alert} event, the JSON webhook body, or a
 * Slack-compatible {@code {"text": ...}} body.
 */
record Notice(
        UUID transitionId,
        UUID ruleId,
        String tenant,
        String ruleName,
        long sequence,
        String metric,
        String condition,
        String operator,
        Map<String, String> scope,
        String previousState,
        String state,
        BigDecimal value,
        BigDecimal threshold,
        Instant windowStart,
        Instant windowEnd,
        Instant occurredAt,
        boolean silenced,
        BigDecimal level,
        BigDecimal forecast) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    Alert event() {
        return Alert.newBuilder()
                .setTransitionId(transitionId)
                .setRuleId(ruleId)
                .setTenant(tenant)
                .setRuleName(ruleName)
                .setSequence(sequence)
                .setMetric(metric)
                .setCondition(condition)
                .setOperator(operator)
                .setScope(new LinkedHashMap<>(scope))
                .setPreviousState(previousState)
                .setState(state)
                .setValue(value == null ? null : value.setScale(18, RoundingMode.HALF_EVEN))
                .setThreshold(threshold.setScale(18, RoundingMode.HALF_EVEN))
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setOccurredAt(occurredAt)
                .setSilenced(silenced)
                .setLevel(level == null ? null : level.setScale(18, RoundingMode.HALF_EVEN))
                .setForecast(forecast == null ? null : forecast.setScale(18, RoundingMode.HALF_EVEN))
                .build();
    }

    /** The webhook body: the event's fields in snake_case, decimals as exact strings. */
    String json() {
        var body = new LinkedHashMap<String, Object>();
        body.put("transition_id", transitionId.toString());
        body.put("rule_id", ruleId.toString());
        body.put("tenant", tenant);
        body.put("rule_name", ruleName);
        body.put("sequence", sequence);
        body.put("metric", metric);
        body.put("condition", condition);
        body.put("operator", symbol());
        body.put("scope", scope);
        body.put("previous_state", previousState);
        body.put("state", state);
        body.put("value", value == null ? null : value.stripTrailingZeros().toPlainString());
        body.put("threshold", threshold.stripTrailingZeros().toPlainString());
        body.put("window_start", windowStart.toString());
        body.put("window_end", windowEnd.toString());
        body.put("occurred_at", occurredAt.toString());
        if ("budget".equals(condition)) {
            body.put("level", level == null ? null : AlertViews.plain(level));
            body.put("forecast", forecast == null ? null : AlertViews.plain(forecast));
        }
        return JSON.writeValueAsString(body);
    }

    /** A Slack incoming-webhook body: one line of text. */
    String slack() {
        String scopeText = scope.isEmpty() ? "all traffic" : scope.toString();
        String valueText =
                value == null ? "no value" : value.stripTrailingZeros().toPlainString();
        String unit = "change".equals(condition) ? " % change" : "";
        if ("budget".equals(condition)) {
            String text = "[" + state.toUpperCase(java.util.Locale.ROOT) + "] " + ruleName + ": spent "
                    + valueText + " of " + AlertViews.plain(threshold) + " USD"
                    + (level == null ? "" : " (" + AlertViews.plain(level) + " % level)")
                    + (forecast == null ? "" : ", forecast " + AlertViews.plain(forecast) + " USD for the period");
            return JSON.writeValueAsString(Map.of("text", text));
        }
        String text = "[" + state.toUpperCase(java.util.Locale.ROOT) + "] " + ruleName + ": " + metric + unit + " "
                + valueText + " " + symbol() + " "
                + threshold.stripTrailingZeros().toPlainString()
                + ("anomaly".equals(condition) ? ", the edge of its usual band" : "") + " (" + scopeText
                + ", window " + windowStart + " to " + windowEnd + ")";
        return JSON.writeValueAsString(Map.of("text", text));
    }

    String symbol() {
        return "above".equals(operator) ? ">" : "<";
    }
}
