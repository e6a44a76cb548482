package dev.promptengine.analytics.alert;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code alert_rule}: what to watch (metric and scope), over which window, and when it
 * breaches; where to notify. Written through {@link AlertRuleRepository} by the API only.
 *
 * @param condition {@code threshold}, {@code change}, {@code budget} or {@code anomaly}
 * @param operator {@code above} or {@code below} ({@code >} and {@code <} in the API)
 * @param threshold the metric's value, for a change the change in percent, for an anomaly k (the
 *     band's half-width in scaled MADs)
 * @param compareTo for a change: {@code previous_window} or {@code last_week}
 * @param budgetPeriod for a budget: {@code day}, {@code week} or {@code month} (calendar, UTC)
 * @param notifyAt for a budget: the levels in percent of the limit ({@code threshold}), ascending
 * @param baselineWeeks for an anomaly: the weeks of the same hour of the week the baseline is made of
 * @param minVolume executions (usages for the usage metric) in the window below which it never breaches
 * @param consecutive breaching evaluations in a row before the rule fires (pending until then)
 * @param locked set by an admin: analysts may read it but not change or delete it
 */
@Table("alert_rule")
record AlertRule(
        @Id UUID id,
        String tenant,
        String name,
        String metric,
        String prompt,
        Integer promptVersion,
        String environment,
        String provider,
        String model,
        String userIdentifier,
        long windowSeconds,
        String condition,
        String operator,
        BigDecimal threshold,
        String compareTo,
        String budgetPeriod,
        String notifyAt,
        Integer baselineWeeks,
        long minVolume,
        int consecutive,
        String webhookUrl,
        String webhookSecret,
        String webhookFormat,
        boolean enabled,
        boolean locked,
        Instant silencedUntil,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        @Version Long version) {

    Metric metricValue() {
        return Metric.parse(metric);
    }

    boolean budget() {
        return "budget".equals(condition);
    }

    boolean anomaly() {
        return "anomaly".equals(condition);
    }

    /**
     * Breaching evaluations in a row before the rule fires: an anomaly counts consecutive hours
     * itself (every evaluation looks at the last {@code consecutive} complete hours), so one is enough.
     */
    int evaluationsToFire() {
        return anomaly() ? 1 : consecutive;
    }

    /** The budget's levels in percent, ascending (stored comma-separated). */
    List<BigDecimal> levels() {
        return notifyAt == null
                ? List.of()
                : java.util.Arrays.stream(notifyAt.split(","))
                        .map(BigDecimal::new)
                        .toList();
    }

    static String levels(List<BigDecimal> levels) {
        return levels == null
                ? null
                : String.join(",", levels.stream().map(AlertViews::plain).toList());
    }

    boolean silencedAt(Instant now) {
        return silencedUntil != null && silencedUntil.isAfter(now);
    }

    AlertRule silenced(Instant until, Instant now) {
        return new AlertRule(
                id,
                tenant,
                name,
                metric,
                prompt,
                promptVersion,
                environment,
                provider,
                model,
                userIdentifier,
                windowSeconds,
                condition,
                operator,
                threshold,
                compareTo,
                budgetPeriod,
                notifyAt,
                baselineWeeks,
                minVolume,
                consecutive,
                webhookUrl,
                webhookSecret,
                webhookFormat,
                enabled,
                locked,
                until,
                createdBy,
                createdAt,
                now,
                version);
    }
}
