package dev.promptengine.bench.endtoend;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.Infrastructure;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.Stats;
import dev.promptengine.bench.Target;
import dev.promptengine.bench.baseline.SyncLoggingScenario;
import dev.promptengine.bench.physical.PostgresCopyScenario;
import dev.promptengine.bench.workload.Backlog;
import dev.promptengine.bench.workload.KafkaClients;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.bench.workload.Workload.Content;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The whole pipeline without HTTP: usages and executions produced straight to Kafka with the
 * {@code schemas} serializer → cost-service (transactions) → analytics-service → rollups visible
 * in PostgreSQL. Two measurements:
 *
 * <ul>
 *   <li>sustained executions/s: both services frozen (SIGSTOP), a backlog of N usage/execution
 *       pairs produced, services thawed; the clock runs until the hourly rollups count all N
 *       executions and N usages. Metadata-only and ~2 KB content.
 *   <li>freshness: pairs produced at a steady 5,000 executions/s (plus 5,000 usages/s); the rollup
 *       count is polled every 50 ms and the k-th execution counts as visible at the first poll
 *       that shows at least k; delay = visible − produced.
 * </ul>
 *
 * Peak heap and RSS of both services are read at the end, after all of this load.
 */
public final class EndToEndScenario implements Scenario {

    static final String COST = "cost-service";
    static final String ANALYTICS = "analytics-service";
    static final int FRESHNESS_RATE = 5_000;
    static final long POLL_MS = 50;

    /*
     * Targets against the database's own ceiling (issue 18): an execution is two raw rows (usage and
     * execution), so 50 % of "COPY rows/s ÷ 2" is 25 % of the COPY rate, measured in the same run.
     */
    static final MetricSpec METADATA = MetricSpec.throughput(
            "e2e.metadata",
            "end to end, metadata-only",
            "executions/s",
            Target.timesOf(0.25, PostgresCopyScenario.COPY_METADATA),
            Target.timesOf(15, SyncLoggingScenario.SYNC_METADATA));
    static final MetricSpec CONTENT = MetricSpec.throughput(
            "e2e.content2kb",
            "end to end, ~2 KB content",
            "executions/s",
            Target.timesOf(0.25, PostgresCopyScenario.COPY_CONTENT));
    static final MetricSpec METADATA_ZIPF = MetricSpec.throughput(
            "e2e.metadata.zipf",
            "end to end, metadata-only, Zipf-skewed prompts and models",
            "executions/s",
            Target.timesOf(0.25, PostgresCopyScenario.COPY_METADATA),
            Target.timesOf(15, SyncLoggingScenario.SYNC_METADATA));
    static final MetricSpec FRESH_P50 =
            MetricSpec.latency("e2e.freshness.p50", "produce → visible in rollups, p50 at 5,000/s");
    static final MetricSpec FRESH_P99 = MetricSpec.latency(
            "e2e.freshness.p99", "produce → visible in rollups, p99 at 5,000/s", Target.below(1000, "ms"));

    /** One sustained-rate measurement: its metric, event size and popularity. */
    private record Variant(MetricSpec metric, Content content, Workload workload, String label) {}

    /** The tenant of this scenario's events: what earlier scenarios left on the topics is not counted. */
    static final String TENANT = "bench-e2e";

    /*
     * Visible = counted in the hourly summary rollups. They commit in the same transaction as the
     * per-prompt rollups and the raw facts, and have a few rows per hour instead of thousands: the
     * poll every 50 ms must not itself load the database it measures.
     */
    static final String EXECUTIONS_VISIBLE = "SELECT coalesce(sum(execution_count), 0)"
            + " FROM analytics.execution_summary_hourly WHERE tenant = '" + TENANT + "'";
    static final String USAGES_VISIBLE =
            "SELECT coalesce(sum(usage_count), 0) FROM analytics.usage_summary_hourly WHERE tenant = '" + TENANT + "'";
    static final String ALL_VISIBLE =
            "SELECT (SELECT coalesce(sum(execution_count), 0) FROM analytics.execution_summary_hourly)"
                    + " + (SELECT coalesce(sum(usage_count), 0) FROM analytics.usage_summary_hourly)";

    @Override
    public String name() {
        return "e2e";
    }

    @Override
    public String description() {
        return "Kafka → cost-service → analytics-service → rollups: sustained executions/s (metadata-only, ~2 KB)"
                + " and p99 produce-to-visible at 5,000/s, vs the seed's sync logging";
    }

    @Override
    public List<String> baselines() {
        return List.of("postgres-copy", "sync-baseline");
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(COST);
        context.services().require(ANALYTICS);
        String kafka = context.infrastructure().kafka();
        var database = context.infrastructure().newDatabase("bench_pipeline");
        var cost = context.services()
                .start(COST, kafka, database, Map.of("promptengine.instance-id", "bench-" + UUID.randomUUID()));
        var analytics = context.services().start(ANALYTICS, kafka, database, Map.of());
        var services = List.of(cost, analytics);
        var workload = new Workload(9, TENANT);
        awaitQuiet(database, Duration.ofMinutes(15));

        var zipf = new Workload(13, TENANT, Workload.Popularity.ZIPF);
        for (var variant : List.of(
                new Variant(METADATA, Content.METADATA_ONLY, workload, "metadata-only"),
                new Variant(METADATA_ZIPF, Content.METADATA_ONLY, zipf, "metadata-only, Zipf-skewed"),
                new Variant(CONTENT, Content.KB2, workload, "~2 KB content"))) {
            Content content = variant.content();
            boolean metadata = content == Content.METADATA_ONLY;
            int count = context.scaled(metadata ? 200_000 : 60_000);
            context.note(String.format(
                    "%s: backlog of %,d usages + %,d executions per run; done when the hourly summary rollups count them all",
                    variant.label(), count, count));
            var rates = context.repeat("e2e " + variant.label(), () -> {
                var pairs = new ArrayList<Workload.Pair>(count);
                for (int i = 0; i < count; i++) {
                    pairs.add(variant.workload().next(content, Instant.now()));
                }
                long executionsBefore = visible(database, EXECUTIONS_VISIBLE);
                long usagesBefore = visible(database, USAGES_VISIBLE);
                for (var service : services) {
                    service.suspend();
                }
                try {
                    Backlog.produce(
                            kafka,
                            Topics.USAGE.name(),
                            pairs.stream().map(Workload.Pair::usage).toList(),
                            u -> u.getId().toString());
                    Backlog.produce(
                            kafka,
                            Topics.EXECUTION.name(),
                            pairs.stream().map(Workload.Pair::execution).toList(),
                            e -> e.getUsageId().toString());
                } finally {
                    for (var service : services) {
                        service.resume();
                    }
                }
                long started = System.nanoTime();
                awaitVisible(database, executionsBefore + count, usagesBefore + count, TimeUnit.MINUTES.toNanos(15));
                return count / ((System.nanoTime() - started) / 1e9);
            });
            context.record(variant.metric(), rates);
        }

        double seconds = Math.max(10, 20 * context.options().scale());
        context.note(String.format(
                "freshness: metadata-only pairs at %,d executions/s (+ as many usages) for %.0f s per run; rollups"
                        + " polled every %d ms; the k-th execution produced counts as visible when the rollups show k"
                        + " (FIFO approximation across 6 partitions)",
                FRESHNESS_RATE, seconds, POLL_MS));
        var freshness = context.repeat("freshness at 5,000/s", () -> freshness(kafka, database, workload, seconds));
        context.record(FRESH_P50, freshness.stream().map(Freshness::p50).toList());
        context.record(FRESH_P99, freshness.stream().map(Freshness::p99).toList());

        for (var service : services) {
            Services.Memory memory = service.memory();
            context.record(
                    MetricSpec.amount(
                            "memory." + service.module() + ".heap",
                            service.module() + " peak heap used (e2e)",
                            "MiB",
                            Target.below(512, "MiB")),
                    List.of(memory.peakHeapUsedMiB()),
                    "peak over the whole e2e scenario, from the GC log; -Xmx512m");
            context.record(
                    MetricSpec.amount(
                            "memory." + service.module() + ".rss", service.module() + " peak RSS (e2e)", "MiB"),
                    List.of(memory.peakRssMiB()),
                    "VmHWM");
        }
    }

    /**
     * Waits until the services have worked off whatever earlier scenarios left on the topics (the
     * rollups stop growing for 3 s), so that it does not compete with the measured runs.
     */
    static void awaitQuiet(Infrastructure.Database database, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = visible(database, ALL_VISIBLE);
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(3)) {
                BenchContext.log("  pipeline quiet: %,d events from earlier scenarios in the rollups", now);
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the pipeline did not become quiet within " + timeout);
    }

    static long visible(Infrastructure.Database database, String sql) throws SQLException {
        try (var connection = database.connect();
                var statement = connection.createStatement();
                var result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            // the rollup tables appear when analytics-service has migrated its schema
            if ("42P01".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    static void awaitVisible(Infrastructure.Database database, long executions, long usages, long timeoutNanos)
            throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        try (var connection = database.connect();
                var statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                long e;
                long u;
                try (var result = statement.executeQuery(EXECUTIONS_VISIBLE)) {
                    result.next();
                    e = result.getLong(1);
                }
                try (var result = statement.executeQuery(USAGES_VISIBLE)) {
                    result.next();
                    u = result.getLong(1);
                }
                if (e >= executions && u >= usages) {
                    if (e > executions || u > usages) {
                        throw new IllegalStateException("rollups count more than was produced: " + e + " executions, "
                                + u + " usages, expected " + executions + " and " + usages);
                    }
                    return;
                }
                Thread.sleep(POLL_MS);
            }
        }
        throw new IllegalStateException(
                "rollups did not reach " + executions + " executions / " + usages + " usages in time");
    }

    record Freshness(double p50, double p99, double max, double achievedRate) {
        @Override
        public String toString() {
            return String.format(
                    "p50 %.0f ms, p99 %.0f ms, max %.0f ms at %,.0f executions/s", p50, p99, max, achievedRate);
        }
    }

    static Freshness freshness(String kafka, Infrastructure.Database database, Workload workload, double seconds)
            throws Exception {
        int count = (int) (FRESHNESS_RATE * seconds);
        long before = visible(database, EXECUTIONS_VISIBLE);
        long[] producedAt = new long[count];
        // poller: (time, visible count) every POLL_MS until everything is visible
        var polls = new ArrayList<long[]>();
        var stop = new AtomicBoolean();
        var pollFailure = new AtomicReference<Exception>();
        var poller = new Thread(
                () -> {
                    try (var connection = database.connect();
                            var statement = connection.createStatement()) {
                        while (!stop.get()) {
                            try (var result = statement.executeQuery(EXECUTIONS_VISIBLE)) {
                                result.next();
                                long now = System.nanoTime();
                                synchronized (polls) {
                                    polls.add(new long[] {now, result.getLong(1) - before});
                                }
                            }
                            Thread.sleep(POLL_MS);
                        }
                    } catch (Exception e) {
                        pollFailure.set(e);
                    }
                },
                "bench-freshness-poller");
        poller.start();
        var serializer = new AvroSerializer<SpecificRecord>();
        var failure = new AtomicReference<Exception>();
        long interval = 1_000_000_000L / FRESHNESS_RATE;
        long start = System.nanoTime() + 20_000_000;
        long lastSent;
        try (var producer = KafkaClients.producer(kafka)) {
            producer.partitionsFor(Topics.EXECUTION.name());
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                var pair = workload.next(Content.METADATA_ONLY, Instant.now());
                PromptUsage usage = pair.usage();
                LlmExecution execution = pair.execution();
                String key = usage.getId().toString();
                producer.send(
                        new ProducerRecord<>(
                                Topics.USAGE.name(), key, serializer.serialize(Topics.USAGE.name(), usage)),
                        (m, e) -> failure.compareAndSet(null, e));
                producedAt[i] = System.nanoTime();
                producer.send(
                        new ProducerRecord<>(
                                Topics.EXECUTION.name(), key, serializer.serialize(Topics.EXECUTION.name(), execution)),
                        (m, e) -> failure.compareAndSet(null, e));
            }
            lastSent = System.nanoTime();
            producer.flush();
        }
        if (failure.get() != null) {
            stop.set(true);
            throw new IllegalStateException("produce failed", failure.get());
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && pollFailure.get() == null) {
            synchronized (polls) {
                if (!polls.isEmpty() && polls.get(polls.size() - 1)[1] >= count) {
                    break;
                }
            }
            Thread.sleep(POLL_MS);
        }
        stop.set(true);
        poller.join();
        if (pollFailure.get() != null) {
            throw pollFailure.get();
        }
        long[] delays = new long[count];
        int poll = 0;
        for (int k = 0; k < count; k++) {
            while (poll < polls.size() && polls.get(poll)[1] < k + 1) {
                poll++;
            }
            if (poll == polls.size()) {
                throw new IllegalStateException("only " + polls.get(polls.size() - 1)[1] + " of " + count
                        + " executions became visible within 5 minutes");
            }
            delays[k] = Math.max(0, polls.get(poll)[0] - producedAt[k]);
        }
        java.util.Arrays.sort(delays);
        return new Freshness(
                Stats.percentile(delays, 50) / 1e6,
                Stats.percentile(delays, 99) / 1e6,
                delays[count - 1] / 1e6,
                count / ((lastSent - start) / 1e9));
    }
}
