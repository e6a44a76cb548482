package dev.promptengine.analytics.alert;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The body of {@code POST /v1/alerts/rules} and {@code PUT /v1/alerts/rules/{id}}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record RuleRequest(
        @Schema(example = "support-reply cost spike", requiredMode = Schema.RequiredMode.REQUIRED)
        String name,

        @Schema(
                description = "cost, executions, error_rate, p95_latency_ms, p99_latency_ms, tokens,"
                        + " unpriced_executions or usages",
                example = "cost",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String metric,

        @Schema(description = "Filters of the analytics API; none: the whole tenant")
        Scope scope,

        @Schema(
                description = "The sliding window ending at each evaluation: 5m to 30d, as <n>m, <n>h, <n>d or"
                        + " ISO-8601 (PT15M); a budget has budget_period instead",
                example = "1h")
        String window,

        @Schema(
                description = "threshold (the value against the threshold), change (the change in percent"
                        + " against compare_to), budget (metric cost: the spend of budget_period against the"
                        + " limit in threshold, notified at each level of notify_at) or anomaly (each complete"
                        + " hour against the band median ± threshold × 1.4826 MAD of the same hour of the week"
                        + " over baseline_weeks weeks)",
                example = "threshold",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String condition,

        @Schema(description = "> or <", example = ">", requiredMode = Schema.RequiredMode.REQUIRED)
        String operator,

        @Schema(
                description = "The metric's value (cost in USD, rates in percent, latency in ms), for a change"
                        + " the change in percent, for an anomaly k: the band's half-width in scaled MADs (1 to 20)",
                example = "25.00",
                requiredMode = Schema.RequiredMode.REQUIRED)
        BigDecimal threshold,

        @Schema(description = "change only: previous_window or last_week (the same window a week earlier)")
        String compareTo,

        @Schema(description = "budget only: day, week (from Monday) or month; calendar periods in UTC")
        String budgetPeriod,

        @Schema(
                description = "budget only: notification levels in percent of the limit (threshold), ascending;"
                        + " default [50, 80, 100]",
                example = "[50, 80, 100]")
        List<BigDecimal> notifyAt,

        @Schema(
                description = "anomaly only: weeks of the same hour of the week the baseline is made of, 3 to 12;"
                        + " default 4",
                example = "4")
        Integer baselineWeeks,

        @Schema(
                description =
                        "Executions (usages for metric usages) the window needs before it can breach;" + " default 0",
                example = "20")
        Long minVolume,

        @Schema(
                description = "Breaching evaluations in a row before it fires (pending until then), for an anomaly"
                        + " complete hours in a row outside the band (1 to 24); default 1")
        Integer consecutive,

        @Schema(description = "Called on every transition (http or https)", example = "https://hooks.example.com/pe")
        String webhookUrl,

        @Schema(
                description =
                        "Key of the HMAC-SHA256 signature header; required with webhook_url, 16 to 256 characters")
        String webhookSecret,

        @Schema(description = "json (default) or slack (a Slack-compatible {\"text\": ...} body)")
        String webhookFormat,

        @Schema(description = "Default true") Boolean enabled,

        @Schema(description = "Admin only: analysts may not change or delete a locked rule")
        Boolean locked) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Scope(
            @Schema(description = "Prompt slug", example = "support-reply")
            String prompt,

            Integer version,
            @Schema(example = "production") String environment,
            @Schema(example = "openai") String provider,
            @Schema(example = "gpt-4o") String model,
            @Schema(description = "User identifier") String user) {

        static final Scope NONE = new Scope(null, null, null, null, null, null);
    }
}
