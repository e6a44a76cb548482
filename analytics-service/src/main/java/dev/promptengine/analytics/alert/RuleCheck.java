package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.filter.QueryFilter;
import dev.promptengine.analytics.query.ScopeTotals;
import dev.promptengine.analytics.query.WindowTotals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Evaluates one rule over the window ending at an instant, from the rollups (through the query
 * side's {@link ScopeTotals}: whole hours and days from rollups, the ragged ends from raw facts, read
 * once per tenant and range in a cycle's {@link CycleReads}); a rule scoped by user, which only raw
 * facts answer, asks {@link WindowTotals} for its own filter.
 */
@Component
class RuleCheck {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    static final Duration WEEK = Duration.ofDays(7);

    /**
     * @param value what was compared: the metric, or for a change its change in percent (null: no
     *     value — no executions for a rate, or a baseline of 0 for a change)
     * @param volume executions (usages) in the window
     * @param comparedWith what the value was compared with when that is not the rule's threshold: an
     *     anomaly's band edge (null otherwise, and for an anomaly without a baseline)
     */
    record Result(
            Instant windowStart,
            Instant windowEnd,
            BigDecimal value,
            long volume,
            boolean breach,
            BigDecimal level,
            BigDecimal forecast,
            BigDecimal comparedWith) {

        Result(Instant windowStart, Instant windowEnd, BigDecimal value, long volume, boolean breach) {
            this(windowStart, windowEnd, value, volume, breach, null, null, null);
        }
    }

    private final WindowTotals totals;
    private final ScopeTotals scopeTotals;

    RuleCheck(WindowTotals totals, ScopeTotals scopeTotals) {
        this.totals = totals;
        this.scopeTotals = scopeTotals;
    }

    /** A fresh cycle's reads (shared by the rules of one evaluation cycle). */
    CycleReads cycle() {
        return new CycleReads(scopeTotals);
    }

    /** One rule on its own (reads nothing shared). */
    Result evaluate(AlertRule rule, Instant end) {
        return evaluate(rule, end, cycle());
    }

    /**
     * Tells a planning cycle what the rule will ask of it; a rule scoped by user reads raw facts on
     * its own and asks the cycle nothing.
     */
    void plan(AlertRule rule, Instant end, CycleReads reads) {
        if (rule.userIdentifier() == null) {
            evaluate(rule, end, reads);
        }
    }

    Result evaluate(AlertRule rule, Instant end, CycleReads reads) {
        if (rule.budget()) {
            return budget(rule, end, reads);
        }
        if (rule.anomaly()) {
            return anomaly(rule, end, reads);
        }
        Instant start = end.minusSeconds(rule.windowSeconds());
        Metric metric = rule.metricValue();
        Measured current = measure(rule, metric, start, end, reads);
        BigDecimal compared = current.value();
        if ("change".equals(rule.condition())) {
            Measured base = "last_week".equals(rule.compareTo())
                    ? measure(rule, metric, start.minus(WEEK), end.minus(WEEK), reads)
                    : measure(rule, metric, start.minusSeconds(rule.windowSeconds()), start, reads);
            compared = change(current.value(), base.value());
        }
        boolean breach = compared != null
                && current.volume() >= rule.minVolume()
                && breaches(compared, rule.operator(), rule.threshold());
        return new Result(start, end, compared, current.volume(), breach);
    }

    /**
     * A budget: the cost of the calendar period so far (the value) against the limit; the level is
     * the highest notification level the spend has reached, the forecast the spend extrapolated
     * linearly to the period's end.
     */
    private Result budget(AlertRule rule, Instant now, CycleReads reads) {
        Instant start = periodStart(rule.budgetPeriod(), now);
        Instant end = periodEnd(rule.budgetPeriod(), start);
        BigDecimal spend = measure(rule, Metric.COST, start, now, reads).value();
        BigDecimal level = level(spend, rule.threshold(), rule.levels());
        return new Result(start, now, spend, 0, level != null, level, forecast(spend, start, now, end), null);
    }

    /**
     * An anomaly: each of the last {@code consecutive} complete UTC hours against its own band (the
     * same hour of the week over the past {@code baseline_weeks} weeks, {@link AnomalyBand}); it
     * breaches when every one of those hours has at least {@code min_volume} and lies outside its band
     * on the operator's side. The value is the last complete hour's, compared with its band's edge.
     */
    private Result anomaly(AlertRule rule, Instant now, CycleReads reads) {
        Instant end = now.truncatedTo(ChronoUnit.HOURS);
        int hours = rule.consecutive();
        int weeks = rule.baselineWeeks() == null ? RuleValidation.DEFAULT_BASELINE_WEEKS : rule.baselineWeeks();
        var needed = new ArrayList<Instant>();
        for (int i = 1; i <= hours; i++) {
            for (int w = 0; w <= weeks; w++) {
                needed.add(end.minus(Duration.ofHours(i)).minus(WEEK.multipliedBy(w)));
            }
        }
        Map<Instant, Measured> measured = hourly(rule, needed, reads);
        boolean breach = true;
        Measured last = null;
        AnomalyBand lastBand = null;
        for (int i = hours; i >= 1; i--) {
            Instant hour = end.minus(Duration.ofHours(i));
            var baseline = new ArrayList<AnomalyBand.Sample>();
            for (int w = 1; w <= weeks; w++) {
                var m = measured.get(hour.minus(WEEK.multipliedBy(w)));
                baseline.add(new AnomalyBand.Sample(m.value(), m.volume()));
            }
            var band = AnomalyBand.of(baseline, rule.threshold());
            var current = measured.get(hour);
            breach &= band != null
                    && current.value() != null
                    && current.volume() >= rule.minVolume()
                    && band.outside(current.value(), rule.operator());
            last = current;
            lastBand = band;
        }
        return new Result(
                end.minus(Duration.ofHours(hours)),
                end,
                last.value(),
                last.volume(),
                breach,
                null,
                null,
                lastBand == null ? null : lastBand.edge(rule.operator()));
    }

    /** The rule's metric in each of the given hours, from the hourly rollups. */
    private static Map<Instant, Measured> hourly(AlertRule rule, List<Instant> hours, CycleReads reads) {
        Metric metric = rule.metricValue();
        var out = new HashMap<Instant, Measured>();
        if (metric.ofUsages()) {
            reads.usageHours(rule, hours).forEach((hour, rows) -> {
                long usages =
                        rows.stream().mapToLong(ScopeTotals.UsageRow::usages).sum();
                out.put(hour, new Measured(BigDecimal.valueOf(usages), usages));
            });
        } else {
            reads.executionHours(rule, hours, metric.needsPercentiles()).forEach((hour, rows) -> {
                var t = ScopeTotals.total(rows);
                out.put(hour, new Measured(metric.value(t, 0), metric.volume(t, 0)));
            });
        }
        return out;
    }

    static Instant periodStart(String period, Instant now) {
        LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate first = switch (period) {
            case "day" -> day;
            case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> day.withDayOfMonth(1);
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Instant periodEnd(String period, Instant start) {
        var from = start.atZone(ZoneOffset.UTC);
        var end = switch (period) {
            case "day" -> from.plusDays(1);
            case "week" -> from.plusWeeks(1);
            default -> from.plusMonths(1);
        };
        return end.toInstant();
    }

    /** The highest level (percent of the limit) the spend has reached; null below the lowest. */
    static BigDecimal level(BigDecimal spend, BigDecimal limit, java.util.List<BigDecimal> levels) {
        BigDecimal percent = spend.multiply(HUNDRED);
        BigDecimal reached = null;
        for (BigDecimal level : levels) {
            // spend * 100 >= level * limit, without dividing
            if (percent.compareTo(level.multiply(limit)) >= 0) {
                reached = level;
            }
        }
        return reached;
    }

    /** The period's spend if it goes on as so far: spend × period length ÷ time elapsed (6 decimals). */
    static BigDecimal forecast(BigDecimal spend, Instant start, Instant now, Instant end) {
        long elapsed = Duration.between(start, now).toSeconds();
        if (elapsed <= 0) {
            return spend;
        }
        long length = Duration.between(start, end).toSeconds();
        return spend.multiply(BigDecimal.valueOf(length))
                .divide(BigDecimal.valueOf(elapsed), 6, RoundingMode.HALF_EVEN);
    }

    static boolean breaches(BigDecimal value, String operator, BigDecimal threshold) {
        int c = value.compareTo(threshold);
        return "above".equals(operator) ? c > 0 : c < 0;
    }

    /** The change in percent from {@code base}; null when there is no base to compare with. */
    static BigDecimal change(BigDecimal value, BigDecimal base) {
        if (value == null || base == null || base.signum() == 0) {
            return null;
        }
        return value.subtract(base).multiply(HUNDRED).divide(base.abs(), 4, RoundingMode.HALF_EVEN);
    }

    private record Measured(BigDecimal value, long volume) {}

    private Measured measure(AlertRule rule, Metric metric, Instant from, Instant to, CycleReads reads) {
        if (rule.userIdentifier() == null) {
            if (metric.ofUsages()) {
                long usages = reads.usages(rule, from, to).stream()
                        .mapToLong(ScopeTotals.UsageRow::usages)
                        .sum();
                return new Measured(BigDecimal.valueOf(usages), usages);
            }
            var t = ScopeTotals.total(reads.executions(rule, from, to, metric.needsPercentiles()));
            return new Measured(metric.value(t, 0), metric.volume(t, 0));
        }
        var filter = new QueryFilter(
                from,
                to,
                rule.prompt(),
                rule.promptVersion(),
                rule.environment(),
                metric.ofUsages() ? null : rule.provider(),
                metric.ofUsages() ? null : rule.model(),
                rule.userIdentifier(),
                null);
        if (metric.ofUsages()) {
            long usages = totals.usages(rule.tenant(), filter);
            return new Measured(BigDecimal.valueOf(usages), usages);
        }
        var t = totals.executions(rule.tenant(), filter, metric.needsPercentiles());
        return new Measured(metric.value(t, 0), metric.volume(t, 0));
    }
}
