package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.query.ScopeTotals;
import dev.promptengine.analytics.query.ScopeTotals.Row;
import dev.promptengine.analytics.query.ScopeTotals.Scope;
import dev.promptengine.analytics.query.ScopeTotals.UsageRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one evaluation cycle has read: each tenant's totals per scope combination for each range
 * (a window, a budget period) and for each UTC hour (anomalies), read once and shared by every rule
 * that asks for the same range, so a cycle costs one query per tenant and window shape instead of one
 * per rule. Not shared between cycles: each cycle reads the rollups afresh (late events count).
 *
 * <p>A cycle is asked twice: first while {@link #planning()}, when the rules only say what they will
 * ask (every answer is empty), then for real. The plan makes each range one query, with latency
 * histograms when any rule of the range needs percentiles, and all of a tenant's anomaly hours one
 * query; without a plan (one rule on its own) each read happens when first asked.
 */
final class CycleReads {

    private static final Logger log = LoggerFactory.getLogger(CycleReads.class);

    private record RangeKey(String tenant, Instant from, Instant to, boolean byPrompt) {}

    private record HoursKey(String tenant, boolean byPrompt) {}

    /** The rows of one read, and whether they carry histograms. */
    private record Read<T>(List<T> rows, boolean histograms) {}

    /** The hours a cycle's anomaly rules will ask of one tenant and rollup shape. */
    private static final class PlannedHours {
        final Set<Instant> hours = new LinkedHashSet<>();
        boolean histograms;
    }

    private final ScopeTotals totals;
    private boolean planning;
    private final Map<RangeKey, Boolean> plannedRanges = new HashMap<>();
    private final Map<HoursKey, PlannedHours> plannedExecutionHours = new HashMap<>();
    private final Map<HoursKey, PlannedHours> plannedUsageHours = new HashMap<>();
    private final Map<RangeKey, Read<Row>> executions = new HashMap<>();
    private final Map<RangeKey, List<UsageRow>> usages = new HashMap<>();
    private final Map<HoursKey, Map<Instant, Read<Row>>> executionHours = new HashMap<>();
    private final Map<HoursKey, Map<Instant, Read<UsageRow>>> usageHours = new HashMap<>();
    private int queries;
    private long databaseNanos;

    CycleReads(ScopeTotals totals) {
        this.totals = totals;
    }

    /** From now on reads are only recorded (and answered empty) until {@link #planned()}. */
    CycleReads planning() {
        planning = true;
        return this;
    }

    /** The plan is complete: reads happen from now on, as the plan says. */
    CycleReads planned() {
        planning = false;
        return this;
    }

    /** Queries this cycle has asked so far. */
    int queries() {
        return queries;
    }

    /** Time spent waiting for those queries' answers. */
    long databaseNanos() {
        return databaseNanos;
    }

    List<Row> executions(AlertRule rule, Instant from, Instant to, boolean histograms) {
        var key = new RangeKey(rule.tenant(), from, to, byPrompt(rule));
        if (planning) {
            plannedRanges.merge(key, histograms, Boolean::logicalOr);
            return List.of();
        }
        var read = executions.get(key);
        if (read == null || (histograms && !read.histograms())) {
            boolean withHistograms = histograms || plannedRanges.getOrDefault(key, false);
            read = new Read<>(
                    timed(
                            key + (withHistograms ? " with histograms" : ""),
                            () -> totals.executions(key.tenant(), from, to, key.byPrompt(), withHistograms)),
                    withHistograms);
            executions.put(key, read);
        }
        return matching(read.rows(), Row::scope, rule);
    }

    List<UsageRow> usages(AlertRule rule, Instant from, Instant to) {
        var key = new RangeKey(rule.tenant(), from, to, byPrompt(rule));
        if (planning) {
            return List.of();
        }
        var rows = usages.computeIfAbsent(
                key, k -> timed("usages of " + k, () -> totals.usages(k.tenant(), from, to, k.byPrompt())));
        return matching(rows, UsageRow::scope, rule);
    }

    /** The rule's executions of each hour (an hour without any row maps to an empty list). */
    Map<Instant, List<Row>> executionHours(AlertRule rule, Collection<Instant> hours, boolean histograms) {
        var key = new HoursKey(rule.tenant(), byPrompt(rule));
        if (planning) {
            var plan = plannedExecutionHours.computeIfAbsent(key, k -> new PlannedHours());
            plan.hours.addAll(hours);
            plan.histograms |= histograms;
            return empty(hours);
        }
        var cached = executionHours.computeIfAbsent(key, k -> new HashMap<>());
        var missing = new LinkedHashSet<Instant>();
        hours.stream()
                .filter(h ->
                        !cached.containsKey(h) || (histograms && !cached.get(h).histograms()))
                .forEach(missing::add);
        if (!missing.isEmpty()) {
            boolean withHistograms = histograms;
            var plan = plannedExecutionHours.remove(key);
            if (plan != null) {
                // the first asker reads every hour the cycle's rules will ask
                plan.hours.stream().filter(h -> !cached.containsKey(h)).forEach(missing::add);
                withHistograms |= plan.histograms;
            }
            boolean histogramsRead = withHistograms;
            var read = timed(
                    "executions of " + missing.size() + " hours, " + key + (histogramsRead ? " with histograms" : ""),
                    () -> totals.executionHours(key.tenant(), missing, key.byPrompt(), histogramsRead));
            store(cached, missing, read, Row::hour, histogramsRead);
        }
        var out = new HashMap<Instant, List<Row>>();
        hours.forEach(h -> out.put(h, matching(cached.get(h).rows(), Row::scope, rule)));
        return out;
    }

    /** The rule's usages of each hour. */
    Map<Instant, List<UsageRow>> usageHours(AlertRule rule, Collection<Instant> hours) {
        var key = new HoursKey(rule.tenant(), byPrompt(rule));
        if (planning) {
            plannedUsageHours
                    .computeIfAbsent(key, k -> new PlannedHours())
                    .hours
                    .addAll(hours);
            return empty(hours);
        }
        var cached = usageHours.computeIfAbsent(key, k -> new HashMap<>());
        var missing = new LinkedHashSet<Instant>();
        hours.stream().filter(h -> !cached.containsKey(h)).forEach(missing::add);
        if (!missing.isEmpty()) {
            var plan = plannedUsageHours.remove(key);
            if (plan != null) {
                plan.hours.stream().filter(h -> !cached.containsKey(h)).forEach(missing::add);
            }
            var read = timed(
                    "usages of " + missing.size() + " hours, " + key,
                    () -> totals.usageHours(key.tenant(), missing, key.byPrompt()));
            store(cached, missing, read, UsageRow::hour, false);
        }
        var out = new HashMap<Instant, List<UsageRow>>();
        hours.forEach(h -> out.put(h, matching(cached.get(h).rows(), UsageRow::scope, rule)));
        return out;
    }

    private static <T> void store(
            Map<Instant, Read<T>> cached,
            Collection<Instant> hours,
            List<T> read,
            Function<T, Instant> hour,
            boolean histograms) {
        var byHour = new HashMap<Instant, List<T>>();
        hours.forEach(h -> byHour.put(h, new ArrayList<>()));
        read.forEach(r -> byHour.get(hour.apply(r)).add(r));
        byHour.forEach((h, rows) -> cached.put(h, new Read<>(rows, histograms)));
    }

    private static <T> Map<Instant, List<T>> empty(Collection<Instant> hours) {
        var out = new HashMap<Instant, List<T>>();
        hours.forEach(h -> out.put(h, List.of()));
        return out;
    }

    private <T extends Collection<?>> T timed(Object what, Supplier<T> query) {
        long started = System.nanoTime();
        int rows = -1;
        try {
            queries++;
            T answer = query.get();
            rows = answer.size();
            return answer;
        } finally {
            long nanos = System.nanoTime() - started;
            databaseNanos += nanos;
            log.debug("read {} in {} ms ({} rows)", what, nanos / 1_000_000, rows);
        }
    }

    /** A rule scoped by prompt or version needs the per-prompt rollups; any other reads the summaries. */
    private static boolean byPrompt(AlertRule rule) {
        return rule.prompt() != null || rule.promptVersion() != null;
    }

    private static <T> List<T> matching(List<T> rows, Function<T, Scope> scope, AlertRule rule) {
        Predicate<Scope> inScope = s -> (rule.prompt() == null || rule.prompt().equals(s.prompt()))
                && (rule.promptVersion() == null || rule.promptVersion().equals(s.version()))
                && (rule.environment() == null || rule.environment().equals(s.environment()))
                && (rule.provider() == null || rule.provider().equals(s.provider()))
                && (rule.model() == null || rule.model().equals(s.model()));
        return rows.stream().filter(r -> inScope.test(scope.apply(r))).toList();
    }
}
