package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.query.ScopeTotals;
import dev.promptengine.analytics.query.ScopeTotals.Row;
import dev.promptengine.analytics.query.ScopeTotals.Scope;
import dev.promptengine.analytics.query.ScopeTotals.UsageRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What one evaluation cycle has read: each tenant's totals per scope combination for each range
 * (a window, a budget period) and for each UTC hour (anomalies), read once and shared by every rule
 * that asks for the same range, so a cycle costs one query per tenant and window shape instead of one
 * per rule. Not shared between cycles: each cycle reads the rollups afresh (late events count).
 */
final class CycleReads {

    private record RangeKey(String tenant, Instant from, Instant to, boolean byPrompt, boolean histograms) {}

    private record HourKey(String tenant, Instant hour, boolean byPrompt, boolean histograms) {}

    private final ScopeTotals totals;
    private final Map<RangeKey, List<Row>> executions = new HashMap<>();
    private final Map<RangeKey, List<UsageRow>> usages = new HashMap<>();
    private final Map<HourKey, List<Row>> executionHours = new HashMap<>();
    private final Map<HourKey, List<UsageRow>> usageHours = new HashMap<>();
    private int queries;
    private long databaseNanos;

    CycleReads(ScopeTotals totals) {
        this.totals = totals;
    }

    /** Queries this cycle has asked so far. */
    int queries() {
        return queries;
    }

    /** Time spent waiting for those queries' answers. */
    long databaseNanos() {
        return databaseNanos;
    }

    private <T> T timed(java.util.function.Supplier<T> query) {
        long started = System.nanoTime();
        try {
            queries++;
            return query.get();
        } finally {
            databaseNanos += System.nanoTime() - started;
        }
    }

    List<Row> executions(AlertRule rule, Instant from, Instant to, boolean histograms) {
        var key = new RangeKey(rule.tenant(), from, to, byPrompt(rule), histograms);
        var rows = executions.computeIfAbsent(
                key, k -> timed(() -> totals.executions(k.tenant(), k.from(), k.to(), k.byPrompt(), k.histograms())));
        return matching(rows, Row::scope, rule);
    }

    List<UsageRow> usages(AlertRule rule, Instant from, Instant to) {
        var key = new RangeKey(rule.tenant(), from, to, byPrompt(rule), false);
        var rows = usages.computeIfAbsent(
                key, k -> timed(() -> totals.usages(k.tenant(), k.from(), k.to(), k.byPrompt())));
        return matching(rows, UsageRow::scope, rule);
    }

    /** The rule's executions of each hour (an hour without any row maps to an empty list). */
    Map<Instant, List<Row>> executionHours(AlertRule rule, Collection<Instant> hours, boolean histograms) {
        boolean byPrompt = byPrompt(rule);
        var missing = hours.stream()
                .filter(h -> !executionHours.containsKey(new HourKey(rule.tenant(), h, byPrompt, histograms)))
                .toList();
        if (!missing.isEmpty()) {
            var read = timed(() -> totals.executionHours(rule.tenant(), missing, byPrompt, histograms));
            missing.forEach(
                    h -> executionHours.put(new HourKey(rule.tenant(), h, byPrompt, histograms), new ArrayList<>()));
            read.forEach(r -> executionHours
                    .get(new HourKey(rule.tenant(), r.hour(), byPrompt, histograms))
                    .add(r));
        }
        var out = new HashMap<Instant, List<Row>>();
        hours.forEach(h -> out.put(
                h,
                matching(executionHours.get(new HourKey(rule.tenant(), h, byPrompt, histograms)), Row::scope, rule)));
        return out;
    }

    /** The rule's usages of each hour. */
    Map<Instant, List<UsageRow>> usageHours(AlertRule rule, Collection<Instant> hours) {
        boolean byPrompt = byPrompt(rule);
        var missing = hours.stream()
                .filter(h -> !usageHours.containsKey(new HourKey(rule.tenant(), h, byPrompt, false)))
                .toList();
        if (!missing.isEmpty()) {
            var read = timed(() -> totals.usageHours(rule.tenant(), missing, byPrompt));
            missing.forEach(h -> usageHours.put(new HourKey(rule.tenant(), h, byPrompt, false), new ArrayList<>()));
            read.forEach(r -> usageHours
                    .get(new HourKey(rule.tenant(), r.hour(), byPrompt, false))
                    .add(r));
        }
        var out = new HashMap<Instant, List<UsageRow>>();
        hours.forEach(h -> out.put(
                h, matching(usageHours.get(new HourKey(rule.tenant(), h, byPrompt, false)), UsageRow::scope, rule)));
        return out;
    }

    /** A rule scoped by prompt or version needs the per-prompt rollups; any other reads the summaries. */
    private static boolean byPrompt(AlertRule rule) {
        return rule.prompt() != null || rule.promptVersion() != null;
    }

    private static <T> List<T> matching(List<T> rows, java.util.function.Function<T, Scope> scope, AlertRule rule) {
        Predicate<Scope> inScope = s -> (rule.prompt() == null || rule.prompt().equals(s.prompt()))
                && (rule.promptVersion() == null || rule.promptVersion().equals(s.version()))
                && (rule.environment() == null || rule.environment().equals(s.environment()))
                && (rule.provider() == null || rule.provider().equals(s.provider()))
                && (rule.model() == null || rule.model().equals(s.model()));
        return rows.stream().filter(r -> inScope.test(scope.apply(r))).toList();
    }
}
