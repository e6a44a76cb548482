package dev.promptengine.deploy.demo;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptengine.deploy.demo.AnalyticsProbe.Answer;
import dev.promptengine.deploy.demo.AnalyticsProbe.UsageStats;
import dev.promptengine.deploy.demo.IngestPublisher.Outcome;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/promptengine demo}: publishes a bounded amount of realistic traffic to ingest-service,
 * then waits until analytics-service counts it and prints {@code total_uses},
 * {@code total_executions} and {@code total_cost}. Exit status 0 when every batch was accepted and
 * analytics counted everything, 1 otherwise (with the reason printed).
 *
 * <p>Keys come from the environment ({@code PE_PUBLISHER_KEY}, {@code PE_ANALYST_KEY}), never from
 * the command line, where {@code ps} would show them.
 */
public final class DemoTraffic {

    record Options(
            URI ingestUrl,
            URI analyticsUrl,
            int executions,
            int batchSize,
            int concurrency,
            Duration span,
            long seed,
            boolean repeatable,
            Duration analyticsWait) {

        static Options parse(String... args) {
            var values = new TreeMap<String, String>();
            for (String arg : args) {
                if (arg.equals("-h") || arg.equals("--help")) {
                    throw new IllegalArgumentException(USAGE);
                }
                int equals = arg.indexOf('=');
                if (!arg.startsWith("--") || equals < 0) {
                    throw new IllegalArgumentException("Unknown argument " + arg + "\n" + USAGE);
                }
                values.put(arg.substring(2, equals), arg.substring(equals + 1));
            }
            var options = new Options(
                    URI.create(values.getOrDefault("ingest-url", "http://127.0.0.1:8081")),
                    URI.create(values.getOrDefault("analytics-url", "http://127.0.0.1:8083")),
                    Integer.parseInt(values.getOrDefault("executions", "2000")),
                    Integer.parseInt(values.getOrDefault("batch-size", "50")),
                    Integer.parseInt(values.getOrDefault("concurrency", "4")),
                    Duration.ofHours(Long.parseLong(values.getOrDefault("hours", "72"))),
                    Long.parseLong(values.getOrDefault(
                            "seed", Long.toString(ThreadLocalRandom.current().nextLong(1L << 40)))),
                    values.containsKey("seed"),
                    Duration.ofSeconds(Long.parseLong(values.getOrDefault("wait-seconds", "120"))));
            for (String known : new String[] {
                "ingest-url",
                "analytics-url",
                "executions",
                "batch-size",
                "concurrency",
                "hours",
                "seed",
                "wait-seconds"
            }) {
                values.remove(known);
            }
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("Unknown option --" + values.firstKey() + "\n" + USAGE);
            }
            if (options.executions() < 1 || options.batchSize() < 1 || options.concurrency() < 1) {
                throw new IllegalArgumentException("--executions, --batch-size and --concurrency must be positive");
            }
            return options;
        }
    }

    static final String USAGE = """
            usage: bin/promptengine demo [--executions=2000] [--batch-size=50] [--concurrency=4]
                                         [--hours=72] [--seed=<n>] [--wait-seconds=120]
              --executions    LLM executions to publish (each with its usage; ~4% extra usages have none)
              --hours         event times spread over the last N hours (busier 07:00-19:00 UTC)
              --seed          same seed, same ids (and within the same hour the very same events):
                              publish twice to see that duplicates are not counted twice
              --wait-seconds  how long to wait for analytics-service to count everything""";

    /** Polls (2 s apart) without change after which a repeated seed's counts are final. */
    private static final int STABLE_POLLS = 5;

    static JsonMapper json() {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    private final Options options;
    private final IngestPublisher publisher;
    private final AnalyticsProbe analytics;
    private final PrintStream out;
    private final boolean terminal;

    DemoTraffic(Options options, String publisherKey, String analystKey, PrintStream out, boolean terminal) {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var json = json();
        this.options = options;
        this.publisher = new IngestPublisher(http, json, options.ingestUrl(), publisherKey);
        this.analytics = new AnalyticsProbe(http, json, options.analyticsUrl(), analystKey);
        this.out = out;
        this.terminal = terminal;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String publisherKey = requiredEnv("PE_PUBLISHER_KEY");
        String analystKey = requiredEnv("PE_ANALYST_KEY");
        boolean ok = new DemoTraffic(options, publisherKey, analystKey, System.out, System.console() != null).run();
        System.exit(ok ? 0 : 1);
    }

    /** Tallies of what ingest-service answered. */
    static final class Tally {
        int requests;
        int acceptedUsages;
        int acceptedExecutions;
        int rejectedUsages;
        int rejectedExecutions;
        final Map<Integer, Integer> rejectedRequestsByStatus = new TreeMap<>();
        final Map<Integer, String> firstProblemByStatus = new TreeMap<>();

        synchronized void add(Outcome outcome) {
            requests++;
            if (outcome.accepted()) {
                acceptedUsages += outcome.usages();
                acceptedExecutions += outcome.executions();
            } else {
                rejectedUsages += outcome.usages();
                rejectedExecutions += outcome.executions();
                rejectedRequestsByStatus.merge(outcome.status(), 1, Integer::sum);
                firstProblemByStatus.putIfAbsent(outcome.status(), outcome.problem());
            }
        }

        synchronized boolean allAccepted() {
            return rejectedRequestsByStatus.isEmpty();
        }
    }

    boolean run() throws InterruptedException {
        // with an explicit seed, anchor the window to the hour so a rerun sends the very same events
        Instant end = options.repeatable() ? Instant.now().truncatedTo(ChronoUnit.HOURS) : Instant.now();
        // usage-stats counts whole hourly buckets that start inside [from, to): start on an hour
        Instant from = end.minus(options.span()).truncatedTo(ChronoUnit.HOURS);
        Instant to = end.plus(Duration.ofHours(1));
        out.printf(
                "Publishing %,d LLM executions (with their usages) to %s/v1/events in batches of %d,"
                        + " event times over the last %d h (seed %d)%n",
                options.executions(),
                options.ingestUrl(),
                options.batchSize(),
                options.span().toHours(),
                options.seed());

        Answer before = analytics.usageStats(from, to, Duration.ofSeconds(10));
        Tally tally = publish(new TrafficGenerator(options.seed(), end, options.span()));
        boolean published = reportPublishing(tally);
        if (tally.acceptedUsages + tally.acceptedExecutions == 0) {
            out.println("Nothing was accepted, so there is nothing for analytics-service to count.");
            return false;
        }
        return reportAnalytics(before, tally, from, to) && published;
    }

    private Tally publish(TrafficGenerator generator) throws InterruptedException {
        var tally = new Tally();
        var stop = new AtomicBoolean();
        var inFlight = new Semaphore(options.concurrency());
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency());
        try {
            int remaining = options.executions();
            while (remaining > 0) {
                inFlight.acquire();
                if (stop.get()) { // an answer that every further batch would get too
                    inFlight.release();
                    break;
                }
                int size = Math.min(options.batchSize(), remaining);
                remaining -= size;
                var batch = generator.nextBatch(size);
                pool.execute(() -> {
                    try {
                        Outcome outcome = publisher.publish(batch);
                        tally.add(outcome);
                        if (outcome.fatal()) {
                            stop.set(true);
                        }
                        progress(tally, started, false);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
        }
        progress(tally, started, true);
        return tally;
    }

    private int lastPrintedTenth = -1;
    private int lastPrintedDone = -1;

    private synchronized void progress(Tally tally, long started, boolean last) {
        int done;
        int rejected;
        synchronized (tally) {
            done = tally.acceptedExecutions + tally.rejectedExecutions;
            rejected = tally.rejectedExecutions;
        }
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        String line = "  sent %,d/%,d executions · %,d requests · %,d rejected · %.1f s · %,.0f executions/s"
                .formatted(done, options.executions(), tally.requests, rejected, seconds, done / seconds);
        int tenth = done * 10 / options.executions();
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else if (tenth > lastPrintedTenth || last && done != lastPrintedDone) {
            out.println(line);
            lastPrintedDone = done;
        }
        lastPrintedTenth = Math.max(lastPrintedTenth, tenth);
        out.flush();
    }

    private boolean reportPublishing(Tally tally) {
        out.printf(
                "ingest-service accepted %,d usages and %,d executions in %,d requests%n",
                tally.acceptedUsages, tally.acceptedExecutions, tally.requests);
        if (tally.allAccepted()) {
            return true;
        }
        out.printf(
                "ingest-service REJECTED %,d usages and %,d executions:%n",
                tally.rejectedUsages, tally.rejectedExecutions);
        tally.rejectedRequestsByStatus.forEach(
                (status, count) -> out.printf("  %,d request(s): %s%n", count, tally.firstProblemByStatus.get(status)));
        if (tally.rejectedRequestsByStatus.containsKey(404)) {
            out.println(
                    "  (404: this ingest-service has no POST /v1/events yet; the demo stopped at the first answer)");
        }
        int skipped = options.executions() - tally.acceptedExecutions - tally.rejectedExecutions;
        if (skipped > 0) {
            out.printf("  %,d executions were not sent after that answer%n", skipped);
        }
        return false;
    }

    private boolean reportAnalytics(Answer before, Tally tally, Instant from, Instant to) throws InterruptedException {
        URI query = analytics.usageStats(from, to);
        if (!before.ok()) {
            Answer now = analytics.usageStats(from, to, Duration.ofSeconds(10));
            if (!now.ok()) {
                out.printf("analytics-service cannot answer GET %s%n  %s%n", query.getPath(), now.problem());
                return false;
            }
        }
        UsageStats baseline = before.ok() ? before.stats() : UsageStats.NONE;
        long wantUses = baseline.totalUses() + tally.acceptedUsages;
        long wantExecutions = baseline.totalExecutions() + tally.acceptedExecutions;
        out.printf(
                "Waiting up to %d s for analytics-service to count them (GET %s, same window)%n",
                options.analyticsWait().toSeconds(), query.getPath());
        long deadline = System.nanoTime() + options.analyticsWait().toNanos();
        Answer answer;
        UsageStats previous = null;
        int unchanged = 0;
        while (true) {
            answer = analytics.usageStats(from, to, Duration.ofSeconds(10));
            if (answer.ok()) {
                UsageStats stats = answer.stats();
                String line = "  counted %,d/%,d uses · %,d/%,d executions"
                        .formatted(stats.totalUses(), wantUses, stats.totalExecutions(), wantExecutions);
                if (terminal) {
                    out.print("\r" + line);
                }
                if (stats.totalUses() >= wantUses && stats.totalExecutions() >= wantExecutions) {
                    break;
                }
                unchanged = stats.equals(previous) ? unchanged + 1 : 0;
                previous = stats;
                // a repeated seed sends ids analytics may already have: the counts settle below the sum
                if (options.repeatable() && unchanged >= STABLE_POLLS) {
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            TimeUnit.SECONDS.sleep(2); // polling another process over HTTP; nothing to block on
        }
        if (terminal) {
            out.println();
        }
        if (!answer.ok()) {
            out.printf("analytics-service answered GET %s with %s%n", query.getPath(), answer.problem());
            return false;
        }
        UsageStats stats = answer.stats();
        out.printf(
                "analytics-service counts: total_uses %,d · total_executions %,d · total_cost %s USD · success_rate %s%n",
                stats.totalUses(), stats.totalExecutions(), stats.totalCost().toPlainString(), stats.successRate());
        if (before.ok()) {
            out.printf(
                    "  this run added %,d uses and %,d executions (before: %,d and %,d)%n",
                    stats.totalUses() - baseline.totalUses(),
                    stats.totalExecutions() - baseline.totalExecutions(),
                    baseline.totalUses(),
                    baseline.totalExecutions());
        }
        boolean complete = stats.totalUses() >= wantUses && stats.totalExecutions() >= wantExecutions;
        if (!complete && options.repeatable() && unchanged >= STABLE_POLLS) {
            out.printf(
                    "  the other %,d uses and %,d executions carry ids analytics-service had already counted"
                            + " (seed %d was published before): duplicates are not counted twice%n",
                    wantUses - stats.totalUses(), wantExecutions - stats.totalExecutions(), options.seed());
            return true;
        }
        if (!complete) {
            out.printf(
                    "NOT everything was counted within %d s: expected at least %,d uses and %,d executions"
                            + " (events older than the stats window, or a service is behind: bin/promptengine logs analytics)%n",
                    options.analyticsWait().toSeconds(), wantUses, wantExecutions);
        }
        return complete;
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println(name + " is not set; bin/promptengine demo reads it from .promptengine/credentials.env");
            System.exit(2);
        }
        return value;
    }
}
