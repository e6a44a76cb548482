package dev.promptengine.analytics.live;

import dev.promptengine.analytics.drilldown.ExecutionCriteria;
import dev.promptengine.analytics.drilldown.ExecutionSearch;
import dev.promptengine.analytics.facts.CommitAnnouncer;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.privacy.SealedReads;
import dev.promptengine.analytics.query.OverviewCharts;
import dev.promptengine.analytics.query.UsageStatsReport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The push channel's subscribers, in groups of the same tenant and filters. When a committed batch
 * changed a tenant's facts, each of that tenant's groups is marked; every tick (default 250 ms) a
 * marked group's snapshot (the usage-stats answer and the newest executions page for its filters,
 * the range re-resolved at that moment) is computed once and sent to all of the group's
 * subscribers, at most once per {@code min-interval} (default 1 s) per group however often commits
 * arrive. The overview's charts ride along at most once per {@code charts-interval} (default 5 s):
 * a snapshot carries {@code charts} when they are due and changed, and when commits stop, one more
 * snapshot brings the charts up to date. So a hundred dashboards with the same filters cost one set
 * of queries per interval, none of them polls, and a dashboard of another tenant hears nothing.
 * Each snapshot says since when it was due ({@code changed_at}: when the oldest commit it is the
 * first to include was heard of; null in a snapshot that only brings the charts up to date;
 * {@code charts_changed_at} says the same of the charts), so a client can tell how late the push
 * was.
 */
@Component
public class LiveHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveHub.class);
    static final int EXECUTIONS = 50;
    private static final long NEVER = Long.MIN_VALUE;

    /** What a subscriber asked for: its tenant, a range (a preset span, or fixed from/to) and the filters. */
    record Subscription(String tenant, Duration span, FilterParameters parameters) {

        String key() {
            return tenant + "|" + span + "|" + parameters;
        }

        /** The parameters with the range as of now (a preset moves with time, like the dashboard's polling). */
        FilterParameters at(Instant now) {
            if (span == null) {
                return parameters;
            }
            return new FilterParameters(
                    now.minus(span).toString(),
                    now.toString(),
                    parameters.prompt(),
                    parameters.version(),
                    parameters.environment(),
                    parameters.provider(),
                    parameters.model(),
                    parameters.user(),
                    parameters.session());
        }
    }

    private static final class Group {
        final Subscription subscription;
        final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
        /** When the oldest commit not yet in a snapshot was heard of; null when there is none. */
        final AtomicReference<Instant> changedAt = new AtomicReference<>();
        /** The same for the charts, which are computed less often. */
        final AtomicReference<Instant> chartsChangedAt = new AtomicReference<>();
        /** {@link System#nanoTime()} of the last snapshot and the last charts; only the tick thread uses them. */
        long lastSnapshot = NEVER;

        long lastCharts = NEVER;

        final AtomicLong sequence = new AtomicLong();

        Group(Subscription subscription) {
            this.subscription = subscription;
        }
    }

    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final UsageStatsReport stats;
    private final ExecutionSearch executions;
    private final OverviewCharts charts;
    private final SealedReads.Reading notOpened;
    private final Clock clock;
    private final Duration minInterval;
    private final Duration chartsInterval;
    private final AtomicLong snapshotsComputed = new AtomicLong();
    private volatile boolean running;

    LiveHub(
            UsageStatsReport stats,
            ExecutionSearch executions,
            OverviewCharts charts,
            Clock clock,
            MeterRegistry meters,
            SealedReads sealedReads,
            @Value("${promptengine.analytics.live.min-interval:1s}") Duration minInterval,
            @Value("${promptengine.analytics.live.charts-interval:5s}") Duration chartsInterval) {
        this.stats = stats;
        this.executions = executions;
        this.charts = charts;
        // one query answers many subscribers, so there is no single caller to audit a content read for
        this.notOpened = sealedReads.closed(
                "not_opened: the live channel does not open encrypted content; GET /v1/executions/{id} does (audited)");
        this.clock = clock;
        this.minInterval = minInterval;
        this.chartsInterval = chartsInterval;
        Gauge.builder("promptengine.analytics.live.subscribers", this, LiveHub::subscribers)
                .description("Dashboards connected to the push channel")
                .register(meters);
        FunctionCounter.builder("promptengine.analytics.live.snapshots", snapshotsComputed, AtomicLong::get)
                .description(
                        "Snapshots computed for the push channel: at most one per changed group of subscribers per interval")
                .register(meters);
    }

    /** A new subscriber: told it is connected; snapshots follow whenever its tenant's facts change. */
    SseEmitter subscribe(Subscription subscription) throws IOException {
        var emitter = new SseEmitter(0L); // no server timeout: the client reconnects when the connection drops
        Group group = groups.compute(subscription.key(), (key, existing) -> {
            Group joined = existing == null ? new Group(subscription) : existing;
            joined.emitters.add(emitter);
            return joined;
        });
        Runnable leave = () -> leave(group, emitter);
        emitter.onCompletion(leave);
        emitter.onTimeout(leave);
        emitter.onError(e -> leave.run());
        emitter.send(SseEmitter.event()
                .name("ready")
                .id(Long.toString(group.sequence.get()))
                .data("{}"));
        return emitter;
    }

    /** From the commit listener: these tenants' facts changed ("*": every tenant's). */
    void committed(Set<String> tenants) {
        boolean every = tenants.contains(CommitAnnouncer.EVERY_TENANT);
        Instant now = clock.instant();
        for (Group group : groups.values()) {
            if (every || tenants.contains(group.subscription.tenant())) {
                group.changedAt.compareAndSet(null, now);
                group.chartsChangedAt.compareAndSet(null, now);
            }
        }
    }

    @Scheduled(fixedDelayString = "${promptengine.analytics.live.tick:250ms}")
    void tick() {
        for (Group group : groups.values()) {
            long now = System.nanoTime(); // the intervals are measured, not read off the (business) clock
            boolean chartsDue = group.chartsChangedAt.get() != null && elapsed(group.lastCharts, now, chartsInterval);
            if (group.emitters.isEmpty()
                    || !elapsed(group.lastSnapshot, now, minInterval)
                    || (group.changedAt.get() == null && !chartsDue)) {
                continue;
            }
            Instant changedAt = group.changedAt.getAndSet(null);
            Instant chartsChangedAt = chartsDue ? group.chartsChangedAt.getAndSet(null) : null;
            Map<String, Object> snapshot;
            try {
                snapshot = snapshot(group.subscription, changedAt, chartsChangedAt);
            } catch (RuntimeException e) {
                log.warn("Live snapshot for {} failed: {}", group.subscription.key(), e.getMessage());
                restore(group.changedAt, changedAt); // try again next tick
                restore(group.chartsChangedAt, chartsChangedAt);
                continue;
            }
            group.lastSnapshot = now;
            if (chartsChangedAt != null) {
                group.lastCharts = now;
            }
            String id = Long.toString(group.sequence.incrementAndGet());
            for (SseEmitter emitter : group.emitters) {
                try {
                    emitter.send(SseEmitter.event().name("snapshot").id(id).data(snapshot, MediaType.APPLICATION_JSON));
                } catch (IOException | IllegalStateException e) {
                    leave(group, emitter);
                }
            }
        }
    }

    /** Keeps idle connections open through proxies and finds the dead ones. */
    @Scheduled(fixedDelayString = "${promptengine.analytics.live.heartbeat:15s}")
    void heartbeat() {
        for (Group group : groups.values()) {
            for (SseEmitter emitter : group.emitters) {
                try {
                    emitter.send(SseEmitter.event().comment("heartbeat"));
                } catch (IOException | IllegalStateException e) {
                    leave(group, emitter);
                }
            }
        }
    }

    private static boolean elapsed(long since, long now, Duration interval) {
        return since == NEVER || now - since >= interval.toNanos();
    }

    /** Puts back a mark taken for a snapshot that failed, unless a newer commit marked it already. */
    private static void restore(AtomicReference<Instant> mark, Instant taken) {
        if (taken != null) {
            mark.accumulateAndGet(
                    taken, (current, failed) -> current == null || failed.isBefore(current) ? failed : current);
        }
    }

    private Map<String, Object> snapshot(Subscription subscription, Instant changedAt, Instant chartsChangedAt) {
        var filters = subscription.at(clock.instant());
        var range = filters.resolve(clock, Duration.ofDays(30));
        var usageStats = stats.answer(subscription.tenant(), range);
        var criteria = ExecutionCriteria.resolve(filters, null, null, null, clock);
        var newest = executions.page(subscription.tenant(), criteria, EXECUTIONS, null, notOpened);
        var snapshot = new LinkedHashMap<String, Object>();
        snapshot.put("stats", usageStats);
        snapshot.put("executions", newest.rows());
        snapshot.put("next_cursor", newest.next() == null ? null : newest.next().encode());
        snapshot.put("changed_at", changedAt == null ? null : changedAt.toString());
        if (chartsChangedAt != null) {
            snapshot.put("charts", charts.answer(subscription.tenant(), range, notOpened));
            snapshot.put("charts_changed_at", chartsChangedAt.toString());
        }
        snapshotsComputed.incrementAndGet();
        return snapshot;
    }

    private void leave(Group group, SseEmitter emitter) {
        groups.computeIfPresent(group.subscription.key(), (key, existing) -> {
            existing.emitters.remove(emitter);
            return existing.emitters.isEmpty() ? null : existing;
        });
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every stream when the instance stops, before the web server's graceful shutdown (a later
     * phase): an open stream is a request that never ends, so without this the shutdown would wait
     * its whole timeout, and the dashboards reconnect at once (to another instance) instead.
     */
    @Override
    public void stop() {
        running = false;
        for (Group group : groups.values()) {
            group.emitters.forEach(SseEmitter::complete);
        }
        groups.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Subscribers connected now (for metrics and tests). */
    public int subscribers() {
        return groups.values().stream().mapToInt(g -> g.emitters.size()).sum();
    }

    /** Snapshots computed since start: at most one per changed group per interval, however many subscribers. */
    public long snapshotsComputed() {
        return snapshotsComputed.get();
    }
}
