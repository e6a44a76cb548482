package dev.promptengine.bench.ingest;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.Stats;
import dev.promptengine.bench.Target;
import dev.promptengine.bench.workload.KafkaClients;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.bench.workload.Workload.Content;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * ingest-service over HTTP on loopback: throughput of {@code POST /v1/events} with batches of 100
 * events (50 usages + their 50 executions, ~1 KB of content each, default redaction rules on)
 * from {@link #CLIENT_THREADS} and from {@link #FEW_CLIENT_THREADS} client connections, and the
 * latency of single {@code POST /v1/executions} at a fixed 1,000 requests/s (open loop: latency
 * counts from the request's scheduled time, so a stall is not hidden). Baseline in the same run: a
 * plain Kafka producer sending the same events, Avro-encoded, to the same topics with the same
 * durability (acks=all, idempotent). Requests are encoded completely before the clock runs and sent
 * by {@link KeepAliveConnection}, so the load generator costs the measured service little CPU.
 */
public final class HttpIngestScenario implements Scenario {

    static final String MODULE = "ingest-service";
    static final int BATCH = 100;
    /** Client connections of the batch throughput metric (the target's). */
    static final int CLIENT_THREADS = 16;
    /** Client connections of the second batch metric: what a few clients get (latency-bound). */
    static final int FEW_CLIENT_THREADS = 4;

    static final int SINGLE_RATE = 1_000;
    static final int SINGLE_CONNECTIONS = 32;

    static final MetricSpec BATCHES = MetricSpec.throughput(
            "ingest.http.batch100",
            "HTTP ingest, batches of 100 (~1 KB content)",
            "events/s",
            Target.atLeast(30_000, "events/s"));
    static final MetricSpec BATCHES_FEW = MetricSpec.throughput(
            "ingest.http.batch100.4clients", "HTTP ingest, batches of 100, only 4 client connections", "events/s");
    static final MetricSpec PLAIN =
            MetricSpec.throughput("ingest.kafka.plain", "baseline: plain Kafka producer, same events", "events/s");
    static final MetricSpec SINGLE_P50 =
            MetricSpec.latency("ingest.http.single.p50", "HTTP single event p50 at 1,000 req/s");
    static final MetricSpec SINGLE_P99 = MetricSpec.latency(
            "ingest.http.single.p99", "HTTP single event p99 at 1,000 req/s", Target.below(10, "ms"));
    static final MetricSpec HEAP = MetricSpec.amount(
            "memory.ingest-service.heap", "ingest-service peak heap used", "MiB", Target.below(512, "MiB"));
    static final MetricSpec RSS = MetricSpec.amount("memory.ingest-service.rss", "ingest-service peak RSS", "MiB");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return "http-ingest";
    }

    @Override
    public String description() {
        return "ingest-service: POST /v1/events batches of 100 (~1 KB content) and single events at 1,000 req/s,"
                + " vs a plain Kafka producer";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(MODULE);
        String kafka = context.infrastructure().kafka();
        var service = context.services().start(MODULE, kafka, null, Map.of());
        String key = context.services().keys().publisher();
        URI events = service.uri("/v1/events");
        int requests = Math.max(CLIENT_THREADS, context.scaled(600));
        var workload = new Workload(3);
        context.note(String.format(
                "batches: %,d requests of %d events per run from %d client connections, then %,d other requests"
                        + " from %d (keep-alive HTTP/1.1, requests encoded before the clock); the plain producer"
                        + " sends the first %,d events",
                requests, BATCH, CLIENT_THREADS, requests, FEW_CLIENT_THREADS, requests * BATCH));

        var batchRates = new ArrayList<Double>();
        var fewClientRates = new ArrayList<Double>();
        var plainRates = new ArrayList<Double>();
        context.repeat("batches of 100", () -> {
            var pairs = new ArrayList<Workload.Pair>(requests * BATCH / 2);
            var bodies = batches(workload, events, key, requests, pairs);
            double perSecond = postAll(events, bodies, CLIENT_THREADS);
            bodies = null; // let the bench JVM drop them before the next load
            var fewBodies = batches(workload, events, key, requests, new ArrayList<>());
            double fewPerSecond = postAll(events, fewBodies, FEW_CLIENT_THREADS);
            fewBodies = null;
            double plain = plainProducer(kafka, pairs);
            batchRates.add(perSecond * BATCH);
            fewClientRates.add(fewPerSecond * BATCH);
            plainRates.add(plain);
            return String.format(
                    "http %,.0f events/s (%d connections), %,.0f events/s (%d connections), plain producer %,.0f"
                            + " events/s",
                    perSecond * BATCH, CLIENT_THREADS, fewPerSecond * BATCH, FEW_CLIENT_THREADS, plain);
        });
        context.record(BATCHES, last(batchRates, context), CLIENT_THREADS + " client connections");
        context.record(BATCHES_FEW, last(fewClientRates, context), FEW_CLIENT_THREADS + " client connections");
        context.record(PLAIN, last(plainRates, context), null);

        double seconds = Math.max(5, 15 * context.options().scale());
        context.note(String.format(
                "single events: POST /v1/executions (~1 KB content) at %,d req/s for %.0f s per run, over %d keep-alive"
                        + " connections, latency from each request's scheduled time",
                SINGLE_RATE, seconds, SINGLE_CONNECTIONS));
        var latencies = context.repeat("single events at 1,000/s", () -> {
            URI executions = service.uri("/v1/executions");
            var singles = new ArrayList<byte[]>();
            int count = (int) (SINGLE_RATE * seconds);
            for (int i = 0; i < count; i++) {
                singles.add(KeepAliveConnection.post(
                        executions,
                        key,
                        JSON.writeValueAsBytes(Workload.executionJson(
                                workload.next(Content.KB1, Instant.now()).execution()))));
            }
            return fixedRate(executions, singles, SINGLE_RATE);
        });
        context.record(SINGLE_P50, latencies.stream().map(Latency::p50).toList());
        context.record(SINGLE_P99, latencies.stream().map(Latency::p99).toList());
        context.record(
                MetricSpec.amount("ingest.http.single.errors", "HTTP single event failed requests per run", "requests"),
                latencies.stream().map(l -> (double) l.errors()).toList());

        Services.Memory memory = service.memory();
        context.record(HEAP, List.of(memory.peakHeapUsedMiB()), "peak over the whole scenario, -Xmx512m");
        context.record(RSS, List.of(memory.peakRssMiB()), "VmHWM of the process");
    }

    /** {@code count} encoded {@code POST /v1/events} requests of 50 usages and their 50 executions. */
    static List<byte[]> batches(Workload workload, URI events, String key, int count, List<Workload.Pair> pairs) {
        var requests = new ArrayList<byte[]>(count);
        for (int r = 0; r < count; r++) {
            var usages = new ArrayList<Object>();
            var executions = new ArrayList<Object>();
            for (int i = 0; i < BATCH / 2; i++) {
                var pair = workload.next(Content.KB1, Instant.now());
                pairs.add(pair);
                usages.add(Workload.usageJson(pair.usage()));
                executions.add(Workload.executionJson(pair.execution()));
            }
            requests.add(KeepAliveConnection.post(
                    events, key, JSON.writeValueAsBytes(Map.of("usages", usages, "executions", executions))));
        }
        return requests;
    }

    /** The measured runs only: {@link BenchContext#repeat} also ran warm-ups that appended here. */
    static List<Double> last(List<Double> all, BenchContext context) {
        return List.copyOf(all.subList(all.size() - context.options().runs(), all.size()));
    }

    /**
     * Posts every request from {@code threads} threads, each over its own keep-alive connection
     * (opened, and the threads started, before the clock runs); answers requests per second.
     */
    static double postAll(URI uri, List<byte[]> requests, int threads) throws Exception {
        return postAll(uri, requests, threads, 202);
    }

    /** As {@link #postAll(URI, List, int)}, for an endpoint that answers success with {@code success}. */
    static double postAll(URI uri, List<byte[]> requests, int threads, int success) throws Exception {
        var next = new AtomicInteger();
        var failure = new AtomicReference<String>();
        var retries = new AtomicInteger();
        var pool = Executors.newFixedThreadPool(threads);
        var connections = new ArrayList<KeepAliveConnection>();
        for (int t = 0; t < threads; t++) {
            var connection = new KeepAliveConnection(uri);
            connection.connect();
            connections.add(connection);
        }
        var ready = new CountDownLatch(threads);
        var go = new CountDownLatch(1);
        var done = new CountDownLatch(threads);
        for (var connection : connections) {
            pool.execute(() -> {
                try (connection) {
                    ready.countDown();
                    go.await();
                    int i;
                    while ((i = next.getAndIncrement()) < requests.size() && failure.get() == null) {
                        var response = connection.send(requests.get(i));
                        // 503 means "not acknowledged by Kafka, retry with the same ids": what a client does
                        for (int attempt = 1; response.status() == 503 && attempt <= 3; attempt++) {
                            retries.incrementAndGet();
                            response = connection.send(requests.get(i));
                        }
                        if (response.status() != success) {
                            failure.compareAndSet(null, response.status() + " " + response.bodyText());
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e.toString());
                } finally {
                    done.countDown();
                }
            });
        }
        ready.await();
        long started = System.nanoTime();
        go.countDown();
        done.await(10, TimeUnit.MINUTES);
        double rate = requests.size() / ((System.nanoTime() - started) / 1e9);
        pool.shutdownNow();
        if (failure.get() != null) {
            throw new IllegalStateException("ingest refused a batch: " + failure.get());
        }
        if (retries.get() > 0) {
            BenchContext.log("  %d batch requests answered 503 and were retried", retries.get());
        }
        return rate;
    }

    /** The same events through a plain producer, Avro encoding included in the timing. */
    static double plainProducer(String kafka, List<Workload.Pair> pairs) {
        var serializer = new AvroSerializer<SpecificRecord>();
        var failure = new AtomicReference<Exception>();
        try (var producer = KafkaClients.producer(kafka)) {
            producer.partitionsFor(Topics.USAGE.name());
            producer.partitionsFor(Topics.EXECUTION.name());
            long started = System.nanoTime();
            for (var pair : pairs) {
                String id = pair.usage().getId().toString();
                producer.send(
                        new ProducerRecord<>(
                                Topics.USAGE.name(), id, serializer.serialize(Topics.USAGE.name(), pair.usage())),
                        (m, e) -> failure.compareAndSet(null, e));
                producer.send(
                        new ProducerRecord<>(
                                Topics.EXECUTION.name(),
                                id,
                                serializer.serialize(Topics.EXECUTION.name(), pair.execution())),
                        (m, e) -> failure.compareAndSet(null, e));
            }
            producer.flush();
            double rate = pairs.size() * 2 / ((System.nanoTime() - started) / 1e9);
            if (failure.get() != null) {
                throw new IllegalStateException("plain producer failed", failure.get());
            }
            return rate;
        }
    }

    record Latency(double p50, double p99, double max, int errors, double achievedRate) {
        @Override
        public String toString() {
            return String.format(
                    "p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d errors, %.0f req/s",
                    p50, p99, max, errors, achievedRate);
        }
    }

    /**
     * Issues one request every {@code 1/rate} s through {@link #SINGLE_CONNECTIONS} keep-alive
     * connections and measures each latency from the moment it was due, not when a connection was
     * free to send it: queueing behind a slow response counts (no coordinated omission). Failed
     * requests count with the time until they failed, and are reported.
     */
    static Latency fixedRate(URI uri, List<byte[]> requests, int rate) throws Exception {
        long[] latencies = new long[requests.size()];
        var errors = new AtomicInteger();
        var firstError = new AtomicReference<String>();
        var next = new AtomicInteger();
        long interval = 1_000_000_000L / rate;
        var connections = new ArrayList<KeepAliveConnection>();
        for (int t = 0; t < SINGLE_CONNECTIONS; t++) {
            var connection = new KeepAliveConnection(uri);
            connection.connect();
            connections.add(connection);
        }
        var lastSent = new AtomicLong();
        var pool = Executors.newFixedThreadPool(SINGLE_CONNECTIONS);
        var ready = new CountDownLatch(SINGLE_CONNECTIONS);
        var startAt = new AtomicLong();
        var go = new CountDownLatch(1);
        var done = new CountDownLatch(SINGLE_CONNECTIONS);
        for (var connection : connections) {
            pool.execute(() -> {
                try (connection) {
                    ready.countDown();
                    go.await();
                    long start = startAt.get();
                    int i;
                    while ((i = next.getAndIncrement()) < requests.size()) {
                        long due = start + i * interval;
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        lastSent.accumulateAndGet(System.nanoTime(), Math::max);
                        try {
                            int status = connection.send(requests.get(i)).status();
                            if (status != 202) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, "status " + status);
                            }
                        } catch (java.io.IOException e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.toString());
                        }
                        latencies[i] = System.nanoTime() - due;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        // every thread is started and waiting before the first request is due
        ready.await();
        long start = System.nanoTime() + 20_000_000;
        startAt.set(start);
        go.countDown();
        boolean finished = done.await(5, TimeUnit.MINUTES);
        pool.shutdownNow();
        if (!finished) {
            throw new IllegalStateException("single-event requests still running after 5 minutes");
        }
        if (firstError.get() != null) {
            BenchContext.log("  %d single-event requests failed, first: %s", errors.get(), firstError.get());
        }
        long[] sorted = latencies.clone();
        java.util.Arrays.sort(sorted);
        double achieved = requests.size() / ((lastSent.get() - start) / 1e9);
        return new Latency(
                Stats.percentile(sorted, 50) / 1e6,
                Stats.percentile(sorted, 99) / 1e6,
                sorted[sorted.length - 1] / 1e6,
                errors.get(),
                achieved);
    }
}
