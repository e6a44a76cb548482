package dev.promptengine.bench.live;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.Infrastructure;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.Stats;
import dev.promptengine.bench.Target;
import dev.promptengine.bench.workload.KafkaClients;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.schemas.AvroSerializer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A wall of dashboards under steady traffic: 100 overviews of the last 24 h (same tenant, three
 * filter sets) while 500 renders and 500 LLM calls a second (1,000 events/s) flow through
 * cost-service into analytics-service. Once as the dashboard polls without the push channel (each
 * tab asks the overview's eight questions every 5 s), once on the push channel ({@code /v1/live}:
 * each tab asks the eight questions once when it opens and then only listens, as the dashboard does:
 * the snapshots carry the cards every second and the charts every 5 s).
 * Database time is PostgreSQL's own account ({@code pg_stat_database.active_time} of the analytics
 * database), less what the same traffic costs with no dashboard open, measured first in the same
 * run. Push latency is the time from when analytics-service heard of a commit to the snapshot
 * carrying it arriving at a subscriber ({@code changed_at} of each snapshot; the charts' own lag,
 * from {@code charts_changed_at}, is reported beside it).
 */
public final class LiveScenario implements Scenario {

    static final String ANALYTICS = "analytics-service";
    static final String COST = "cost-service";
    static final int DASHBOARDS = 100;
    static final int EXECUTIONS_PER_SECOND = 500; // and as many usages: 1,000 events/s
    static final Duration POLL_INTERVAL = Duration.ofSeconds(5); // the dashboard's default without push
    static final Duration OPEN_SPREAD = Duration.ofSeconds(30); // push tabs open at random moments within it
    static final Duration SETTLE_AFTER_POLLING = Duration.ofSeconds(35);
    static final List<Map<String, String>> FILTER_SETS =
            List.of(Map.of(), Map.of("environment", "production"), Map.of("provider", "openai"));
    private static final Pattern CHANGED_AT = Pattern.compile("\"changed_at\":(?:\"([^\"]+)\"|null)");
    private static final Pattern CHARTS_CHANGED_AT = Pattern.compile("\"charts_changed_at\":\"([^\"]+)\"");

    static final MetricSpec IDLE =
            MetricSpec.amount("live.db.idle", "database time per second, the traffic with no dashboard open", "ms/s");
    static final MetricSpec POLLING =
            MetricSpec.amount("live.db.polling", "database time per second added by 100 polling dashboards", "ms/s");
    static final MetricSpec PUSHED = MetricSpec.amount(
            "live.db.push", "database time per second added by 100 dashboards on the push channel", "ms/s");
    static final MetricSpec SAVING = MetricSpec.amount(
            "live.db.saving",
            "database time of polling dashboards ÷ that of pushed ones",
            "×",
            Target.atLeast(10, "×"));
    static final MetricSpec PUSH_P50 =
            MetricSpec.latency("live.push.p50", "commit heard → snapshot at a subscriber, p50");
    static final MetricSpec PUSH_P99 = MetricSpec.latency(
            "live.push.p99", "commit heard → snapshot at a subscriber, p99", Target.below(1500, "ms"));
    static final MetricSpec CHARTS_P99 =
            MetricSpec.latency("live.charts.p99", "commit heard → charts carrying it at a subscriber, p99");

    @Override
    public String name() {
        return "live";
    }

    @Override
    public String description() {
        return "100 dashboards at 1,000 events/s: database time of the push channel vs polling, and push"
                + " latency p99";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(COST);
        context.services().require(ANALYTICS);
        String kafka = context.infrastructure().kafka();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String usage = "bench.live.usage." + suffix;
        String execution = "bench.live.execution." + suffix;
        String costed = "bench.live.costed." + suffix;
        String corrections = "bench.live.corrections." + suffix;
        context.infrastructure()
                .createTopics(
                        6,
                        Map.of(),
                        usage,
                        execution,
                        costed,
                        corrections,
                        usage + ".dlt",
                        execution + ".dlt",
                        costed + ".dlt",
                        corrections + ".dlt");
        context.services()
                .start(
                        COST,
                        kafka,
                        context.infrastructure().newDatabase("bench_live_cost"),
                        Map.of(
                                "promptengine.instance-id",
                                "bench-live-" + suffix,
                                "promptengine.enrichment.input-topic",
                                execution,
                                "promptengine.enrichment.output-topic",
                                costed,
                                "promptengine.enrichment.dead-letter-topic",
                                execution + ".dlt"));
        var database = context.infrastructure().newDatabase("bench_live");
        var analytics = context.services()
                .start(
                        ANALYTICS,
                        kafka,
                        database,
                        Map.of(
                                "promptengine.analytics.topics.usage", usage,
                                "promptengine.analytics.topics.execution-costed", costed,
                                "promptengine.analytics.topics.cost-correction", corrections));
        String analyst = context.services().keys().analyst();
        Duration phase = Duration.ofSeconds(
                Math.max(30, Math.round(90 * Math.min(1, context.options().scale()))));

        try (var traffic = new Traffic(kafka, usage, execution)) {
            traffic.start();
            BenchContext.log("  live: warming up for 30 s at %,d events/s", 2 * EXECUTIONS_PER_SECOND);
            Thread.sleep(30_000);
            double idle = databaseMsPerSecond(database, phase, () -> {});
            var polling = new Polling(analytics.uri(""), analyst);
            double polled = databaseMsPerSecond(database, phase, polling::start) - idle;
            polling.drain();
            polling.close();
            // requests the service still holds when their clients gave up (a pool wait lasts up to 30 s)
            // must be over before the next phase is measured
            Thread.sleep(SETTLE_AFTER_POLLING.toMillis());
            var pushed = new Pushed(analytics.uri(""), analyst);
            double push = databaseMsPerSecond(database, phase, pushed::start) - idle;
            pushed.close();
            long[] latencies = pushed.latencies();
            if (latencies.length < DASHBOARDS) {
                throw new IllegalStateException("only " + latencies.length + " snapshots reached the subscribers");
            }
            if (polling.failures.get() > 0 || pushed.failures.get() > 0) {
                throw new IllegalStateException(
                        polling.failures.get() + " polling and " + pushed.failures.get() + " push requests failed");
            }
            context.note(String.format(
                    "%d dashboards (overview, last 24 h, filter sets %s), %,d executions and %,d usages a second"
                            + " (%,d produced in all) through cost-service into analytics-service; each phase %d s"
                            + " after a 30 s warm-up. Polling: %,d requests answered, %,d failed (eight per tab every"
                            + " %d s; %,d rounds skipped because the tab's previous round was still unanswered)."
                            + " Push: %,d snapshots received by the tabs (%,d of them with the charts), computed %,d"
                            + " times by the hub, plus %,d requests of the tabs' first load (the eight questions once"
                            + " per tab, each tab opened at a random moment of the phase's first 30 s, 35 s after the"
                            + " polling phase ended; nothing polled after). Database time = pg_stat_database.active_time of the"
                            + " analytics database, less the no-dashboard phase.",
                    DASHBOARDS,
                    FILTER_SETS,
                    EXECUTIONS_PER_SECOND,
                    EXECUTIONS_PER_SECOND,
                    traffic.produced.get(),
                    phase.toSeconds(),
                    polling.answered.get(),
                    polling.failures.get(),
                    POLL_INTERVAL.toSeconds(),
                    polling.skipped.get(),
                    pushed.received.get(),
                    pushed.chartLatencies.size(),
                    pushed.snapshotIds.size(),
                    pushed.answered.get()));
            context.record(IDLE, List.of(idle));
            context.record(POLLING, List.of(polled));
            context.record(PUSHED, List.of(push));
            context.record(SAVING, List.of(polled / Math.max(push, 0.001)));
            context.record(PUSH_P50, List.of((double) Stats.percentile(latencies, 50)));
            context.record(PUSH_P99, List.of((double) Stats.percentile(latencies, 99)));
            long[] chartLatencies = pushed.chartLatencies.stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            if (chartLatencies.length > 0) {
                context.record(CHARTS_P99, List.of((double) Stats.percentile(chartLatencies, 99)));
            }
        }
    }

    /** PostgreSQL's busy time of the database while {@code start} runs its load, in ms per second. */
    private static double databaseMsPerSecond(Infrastructure.Database database, Duration phase, Runnable start)
            throws Exception {
        start.run();
        Thread.sleep(11_000); // idle sessions report their statistics at least every 10 s
        double before = activeTimeMs(database);
        long started = System.nanoTime();
        Thread.sleep(phase.toMillis());
        double after = activeTimeMs(database);
        double seconds = (System.nanoTime() - started) / 1e9;
        return (after - before) / seconds;
    }

    private static double activeTimeMs(Infrastructure.Database database) throws Exception {
        try (var connection = database.connect();
                var statement = connection.createStatement();
                var rs = statement.executeQuery(
                        "SELECT active_time FROM pg_stat_database WHERE datname = current_database()")) {
            if (!rs.next()) {
                throw new IllegalStateException("pg_stat_database has no row for the analytics database");
            }
            return rs.getDouble(1);
        }
    }

    private static String range(Map<String, String> filters) {
        Instant now = Instant.now();
        var params = new LinkedHashMap<String, String>(filters);
        params.put("from", now.minus(Duration.ofHours(24)).toString());
        params.put("to", now.toString());
        return query(params);
    }

    private static String query(Map<String, String> params) {
        var out = new StringBuilder();
        params.forEach((name, value) -> out.append(out.isEmpty() ? "" : "&")
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** The overview's eight questions (overview.js), for one tab. */
    private static List<String> overview(Map<String, String> filters) {
        String range = range(filters);
        return List.of(
                "/v1/analytics/usage-stats?" + range,
                "/v1/analytics/timeseries?metric=cost&bucket=hour&" + range,
                "/v1/analytics/timeseries?metric=executions&bucket=hour&group_by=status&" + range,
                "/v1/analytics/timeseries?metric=p50_latency_ms&bucket=hour&" + range,
                "/v1/analytics/timeseries?metric=p95_latency_ms&bucket=hour&" + range,
                "/v1/analytics/timeseries?metric=p99_latency_ms&bucket=hour&" + range,
                "/v1/analytics/top-prompts?limit=10&" + range,
                "/v1/analytics/error-analysis?" + range);
    }

    /** Tabs that ask their questions on a timer, each tab's requests at once, as a browser does. */
    private abstract static class Tabs implements AutoCloseable {
        final URI base;
        final String key;
        final java.util.concurrent.ExecutorService callbacks = Executors.newFixedThreadPool(8);
        final HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .executor(callbacks)
                .build();
        final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        final AtomicLong answered = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();

        Tabs(URI base, String key) {
            this.base = base;
            this.key = key;
        }

        /**
         * Starts a tab's timer at a random phase within the interval (tabs opened at different
         * times). Like the page, a tab asks all its questions at once; a tick that finds the tab's
         * previous round still unanswered is skipped (counted), so an overloaded service is not
         * buried under ever more requests.
         */
        void every(Duration interval, java.util.function.Supplier<List<String>> questions) {
            long period = interval.toMillis();
            var busy = new AtomicBoolean();
            timer.scheduleAtFixedRate(
                    () -> {
                        if (!busy.compareAndSet(false, true)) {
                            skipped.incrementAndGet();
                            return;
                        }
                        CompletableFuture.allOf(ask(questions.get())).whenComplete((done, error) -> busy.set(false));
                    },
                    (long) (Math.random() * period),
                    period,
                    TimeUnit.MILLISECONDS);
        }

        CompletableFuture<?>[] ask(List<String> paths) {
            return paths.stream()
                    .map(path -> http.sendAsync(request(path).build(), HttpResponse.BodyHandlers.discarding())
                            .whenComplete((response, error) -> {
                                if (error == null && response.statusCode() == 200) {
                                    answered.incrementAndGet();
                                } else {
                                    failures.incrementAndGet();
                                }
                            }))
                    .toArray(CompletableFuture<?>[]::new);
        }

        /** Waits until no round is in flight any more (after close of the timer). */
        void drain() throws InterruptedException {
            timer.shutdownNow();
            long before;
            do {
                before = answered.get() + failures.get();
                Thread.sleep(2_000);
            } while (answered.get() + failures.get() != before);
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key);
        }

        @Override
        public void close() {
            timer.shutdownNow();
            callbacks.shutdownNow();
        }
    }

    /** 100 tabs without the push channel: the overview every 5 s. */
    private static final class Polling extends Tabs {
        Polling(URI base, String key) {
            super(base, key);
        }

        void start() {
            for (int tab = 0; tab < DASHBOARDS; tab++) {
                var filters = FILTER_SETS.get(tab % FILTER_SETS.size());
                every(POLL_INTERVAL, () -> overview(filters));
            }
        }
    }

    /** 100 tabs on the push channel, each loading the overview once when it opens, then only listening. */
    private static final class Pushed extends Tabs {
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> chartLatencies = new ConcurrentLinkedQueue<>();
        final AtomicLong received = new AtomicLong();
        final java.util.Set<String> snapshotIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicBoolean open = new AtomicBoolean(true);
        final List<CompletableFuture<?>> streams = new ArrayList<>();
        final java.util.concurrent.ExecutorService readers = Executors.newCachedThreadPool(); // one per stream

        Pushed(URI base, String key) {
            super(base, key);
        }

        /** Opens the tabs at random moments within the first {@link #OPEN_SPREAD} of the phase, as people do. */
        void start() {
            for (int tab = 0; tab < DASHBOARDS; tab++) {
                int group = tab % FILTER_SETS.size();
                timer.schedule(
                        () -> open(FILTER_SETS.get(group), group),
                        (long) (Math.random() * OPEN_SPREAD.toMillis()),
                        TimeUnit.MILLISECONDS);
            }
        }

        private void open(Map<String, String> filters, int group) {
            var params = new LinkedHashMap<String, String>(filters);
            params.put("range", "24h");
            synchronized (streams) {
                streams.add(http.sendAsync(
                                request("/v1/live?" + query(params))
                                        .timeout(Duration.ofHours(1))
                                        .header("Accept", "text/event-stream")
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream())
                        .thenAcceptAsync(response -> read(response, group), readers));
            }
            ask(overview(filters));
        }

        private void read(HttpResponse<InputStream> response, int group) {
            if (response.statusCode() != 200) {
                failures.incrementAndGet();
                return;
            }
            try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String event = null;
                String id = null;
                for (String line; open.get() && (line = lines.readLine()) != null; ) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).strip();
                    } else if (line.startsWith("data:") && "snapshot".equals(event)) {
                        long now = System.currentTimeMillis();
                        var changed = CHANGED_AT.matcher(line);
                        if (!changed.find()) {
                            failures.incrementAndGet();
                            continue;
                        }
                        received.incrementAndGet();
                        if (changed.group(1) != null) { // null: a snapshot that only brings the charts up to date
                            latencies.add(now - Instant.parse(changed.group(1)).toEpochMilli());
                        }
                        var charts = CHARTS_CHANGED_AT.matcher(line);
                        if (charts.find()) {
                            chartLatencies.add(
                                    now - Instant.parse(charts.group(1)).toEpochMilli());
                        }
                        snapshotIds.add(group + ":" + id);
                    } else if (line.isEmpty()) {
                        event = null;
                    }
                }
            } catch (java.io.IOException e) {
                if (open.get()) {
                    failures.incrementAndGet();
                }
            }
        }

        long[] latencies() {
            return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        @Override
        public void close() {
            open.set(false);
            super.close();
            synchronized (streams) {
                streams.forEach(stream -> stream.cancel(true));
            }
            readers.shutdownNow();
        }
    }

    /** 500 usages and 500 executions a second, occurring now, until closed. */
    private static final class Traffic implements AutoCloseable {
        final String kafka;
        final String usageTopic;
        final String executionTopic;
        final AtomicLong produced = new AtomicLong();
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        final Workload workload = new Workload(20, Services.TENANT);
        final AvroSerializer<SpecificRecord> avro = new AvroSerializer<>();
        org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer;

        Traffic(String kafka, String usageTopic, String executionTopic) {
            this.kafka = kafka;
            this.usageTopic = usageTopic;
            this.executionTopic = executionTopic;
        }

        void start() {
            producer = KafkaClients.producer(kafka);
            int perTick = EXECUTIONS_PER_SECOND / 20;
            timer.scheduleAtFixedRate(
                    () -> {
                        for (int i = 0; i < perTick; i++) {
                            var pair = workload.next(Workload.Content.METADATA_ONLY, Instant.now());
                            String key = pair.usage().getId().toString();
                            producer.send(
                                    new ProducerRecord<>(usageTopic, key, avro.serialize(usageTopic, pair.usage())));
                            producer.send(new ProducerRecord<>(
                                    executionTopic, key, avro.serialize(executionTopic, pair.execution())));
                            produced.addAndGet(2);
                        }
                    },
                    0,
                    50,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            producer.close();
        }
    }
}
