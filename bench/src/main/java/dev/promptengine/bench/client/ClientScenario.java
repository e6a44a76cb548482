package dev.promptengine.bench.client;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Stats;
import dev.promptengine.bench.Target;
import dev.promptengine.client.Execution;
import dev.promptengine.client.Message;
import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.Status;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * promptengine-client on the host's calling thread: the time one {@code recordExecution} takes
 * (each call timed on its own, paced at {@link #RATE} calls/s as a busy host would make them),
 * with ingest-service up and with nothing listening at its address, against the same timing of
 * an empty method call in the same run (what the timing itself costs). With the pipeline down the
 * queue fills and the client drops; the heap it keeps is measured after a full GC against the
 * heap before the client existed.
 */
public final class ClientScenario implements Scenario {

    static final int RATE = 20_000;
    static final int QUEUE = 10_000;

    static final MetricSpec UP_P50 = MetricSpec.amount(
            "client.record.p50",
            "recordExecution on the caller's thread, pipeline up, p50",
            "ns",
            Target.below(2_000, "ns"));
    static final MetricSpec UP_P99 = MetricSpec.amount(
            "client.record.p99",
            "recordExecution on the caller's thread, pipeline up, p99",
            "ns",
            Target.below(20_000, "ns"));
    static final MetricSpec DOWN_P50 = MetricSpec.amount(
            "client.record.down.p50",
            "recordExecution, pipeline down (queue full, dropping), p50",
            "ns",
            Target.below(2_000, "ns"));
    static final MetricSpec DOWN_P99 = MetricSpec.amount(
            "client.record.down.p99",
            "recordExecution, pipeline down (queue full, dropping), p99",
            "ns",
            Target.below(20_000, "ns"));
    static final MetricSpec EMPTY_P50 =
            MetricSpec.amount("client.empty.p50", "baseline: an empty method call timed the same way, p50", "ns");
    static final MetricSpec EMPTY_P99 =
            MetricSpec.amount("client.empty.p99", "baseline: an empty method call timed the same way, p99", "ns");
    static final MetricSpec DOWN_HEAP = MetricSpec.amount(
            "client.down.heap", "heap the client keeps after the pipeline was down for the run (after GC)", "MiB");
    static final MetricSpec DOWN_DROPPED = MetricSpec.amount(
            "client.down.dropped", "events dropped (queue full) while the pipeline was down", "events");

    private static volatile Object sink;

    @Override
    public String name() {
        return "client";
    }

    @Override
    public String description() {
        return "promptengine-client: ns per recordExecution on the caller's thread (p50, p99), pipeline up and down,"
                + " vs an empty method call; heap kept while down";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require("ingest-service");
        var service = context.services()
                .start("ingest-service", context.infrastructure().kafka(), null, Map.of());
        String key = context.services().keys().publisher();
        String up = service.uri("/").toString().replaceAll("/$", "");
        String down = "http://127.0.0.1:" + freePort();
        int calls = context.scaled(100_000);
        context.note(String.format(
                "%,d calls per run at %,d/s on one thread, each timed with System.nanoTime; queue %,d events,"
                        + " HTTP transport; events of ~1 KB content (two messages, a response)",
                calls, RATE, QUEUE));

        var results = context.repeat("client on the caller's thread", () -> {
            long[] empty = timed(calls, ClientScenario::empty);
            long[] upTimes;
            try (var client = client(up, key)) {
                upTimes = timed(calls, client::recordExecution);
            }
            long heapBefore = heapAfterGc();
            long[] downTimes;
            long dropped;
            long heapKept;
            try (var client = client(down, key)) {
                downTimes = timed(calls, client::recordExecution);
                dropped = client.dropped();
                heapKept = heapAfterGc() - heapBefore;
                client.close(Duration.ZERO);
            }
            var run = new Run(
                    percentile(empty, 50),
                    percentile(empty, 99),
                    percentile(upTimes, 50),
                    percentile(upTimes, 99),
                    percentile(downTimes, 50),
                    percentile(downTimes, 99),
                    heapKept / (1024.0 * 1024.0),
                    dropped);
            return run;
        });
        context.record(EMPTY_P50, results.stream().map(Run::emptyP50).toList());
        context.record(EMPTY_P99, results.stream().map(Run::emptyP99).toList());
        context.record(UP_P50, results.stream().map(Run::upP50).toList());
        context.record(UP_P99, results.stream().map(Run::upP99).toList());
        context.record(DOWN_P50, results.stream().map(Run::downP50).toList());
        context.record(DOWN_P99, results.stream().map(Run::downP99).toList());
        context.record(DOWN_HEAP, results.stream().map(Run::heapMiB).toList(), "queue capacity " + QUEUE + " events");
        context.record(
                DOWN_DROPPED,
                results.stream().map(run -> (double) run.dropped()).toList(),
                calls + " calls per run");
    }

    record Run(
            double emptyP50,
            double emptyP99,
            double upP50,
            double upP99,
            double downP50,
            double downP99,
            double heapMiB,
            long dropped) {
        @Override
        public String toString() {
            return String.format(
                    "empty p50 %.0f / p99 %.0f ns; up p50 %.0f / p99 %.0f ns; down p50 %.0f / p99 %.0f ns, %,d dropped,"
                            + " %.1f MiB kept",
                    emptyP50, emptyP99, upP50, upP99, downP50, downP99, dropped, heapMiB);
        }
    }

    private static PromptEngine client(String baseUrl, String key) {
        return PromptEngine.http(baseUrl, key)
                .queueCapacity(QUEUE)
                .closeTimeout(Duration.ofSeconds(30))
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .build();
    }

    /** Builds the calls' arguments outside the clock, then times each call alone at the paced rate. */
    private static long[] timed(int calls, Consumer<Execution.Builder> record) {
        var builders = new ArrayList<Execution.Builder>(calls);
        String prompt = "x".repeat(400);
        String answer = "y".repeat(500);
        for (int i = 0; i < calls; i++) {
            builders.add(Execution.builder(UUID.randomUUID(), "prompt-" + (i % 50), 1 + i % 3)
                    .provider("openai")
                    .model("gpt-4o-mini")
                    .messages(List.of(Message.system("You are terse."), Message.user(prompt)))
                    .responseContent(answer)
                    .tokens(120 + i % 300, 40 + i % 100)
                    .executionTimeMs(300 + i % 900)
                    .status(Status.SUCCESS));
        }
        long[] nanos = new long[calls];
        long interval = 1_000_000_000L / RATE;
        long next = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            next += interval;
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            Execution.Builder builder = builders.get(i);
            long started = System.nanoTime();
            record.accept(builder);
            nanos[i] = System.nanoTime() - started;
            builders.set(i, null);
        }
        return nanos;
    }

    private static void empty(Execution.Builder builder) {
        sink = builder;
    }

    private static double percentile(long[] values, double percentile) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return Stats.percentile(sorted, percentile);
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
