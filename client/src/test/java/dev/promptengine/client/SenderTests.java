package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Batching and retries against a scripted transport, with a clock and sleeps the test controls. */
class SenderTests {

    private final Counters counters = new Counters();
    private final EventQueue queue = new EventQueue(100, DropPolicy.DROP_NEWEST, counters);
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<List<Event>> attempts = new ArrayList<>();
    private final Deque<Function<List<Event>, Delivery>> script = new ArrayDeque<>();
    private long nanos = 1_000_000_000L;

    private final Transport transport = new Transport() {
        @Override
        public Delivery send(List<Event> batch) {
            attempts.add(List.copyOf(batch));
            return script.isEmpty() ? Delivery.delivered() : script.poll().apply(batch);
        }

        @Override
        public void close() {}
    };

    private Sender sender(int maxBatchSize, Duration linger) {
        return new Sender(
                queue,
                transport,
                counters,
                new Problems(),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
                maxBatchSize,
                linger,
                duration -> {
                    sleeps.add(duration);
                    nanos += duration.toNanos();
                },
                () -> nanos);
    }

    @Test
    void batchStopsAtMaxBatchSize() throws Exception {
        var sender = sender(2, Duration.ofSeconds(10));
        queue.offer(Fixtures.usage());
        queue.offer(Fixtures.usage());
        queue.offer(Fixtures.usage());

        var batch = new ArrayList<Event>();
        sender.collect(batch);

        assertThat(batch).hasSize(2);
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void batchStopsWhenTheLingerHasPassed() throws Exception {
        // the clock jumps 10 s on every reading: the linger of 1 s has passed before the first wait
        var sender = new Sender(
                queue,
                transport,
                counters,
                new Problems(),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
                100,
                Duration.ofSeconds(1),
                duration -> {},
                () -> nanos += 10_000_000_000L);
        queue.offer(Fixtures.usage());
        queue.offer(Fixtures.usage());

        var batch = new ArrayList<Event>();
        sender.collect(batch);
        queue.offer(Fixtures.usage());

        assertThat(batch).hasSize(2);
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void retriesTheSameEventsWithGrowingBackoffUntilAcknowledged() throws Exception {
        var sender = sender(10, Duration.ZERO);
        List<Event> batch = List.of(Fixtures.usage(), Fixtures.usage());
        script.add(events -> Delivery.retry(events, null));
        script.add(events -> Delivery.retry(events, null));
        script.add(events -> Delivery.retry(events, null));
        script.add(events -> Delivery.retry(events, null));

        sender.deliver(batch);

        assertThat(attempts)
                .hasSize(5)
                .allSatisfy(attempt -> assertThat(attempt).containsExactlyElementsOf(batch));
        assertThat(sleeps)
                .containsExactly(
                        Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofSeconds(1));
        assertThat(counters.retried.sum()).isEqualTo(8);
        assertThat(counters.sent.sum()).isEqualTo(2);
        assertThat(counters.rejected.sum()).isZero();
    }

    @Test
    void resendsOnlyTheEventsThatFailed() throws Exception {
        var sender = sender(10, Duration.ZERO);
        Usage delivered = Fixtures.usage();
        Usage failed = Fixtures.usage();
        script.add(events -> Delivery.retry(List.of(failed), Duration.ofMillis(500)));

        sender.deliver(List.of(delivered, failed));

        assertThat(attempts).containsExactly(List.of(delivered, failed), List.of(failed));
        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
        assertThat(counters.sent.sum()).isEqualTo(2);
        assertThat(counters.retried.sum()).isEqualTo(1);
    }

    @Test
    void rejectedEventsAreCountedAndNeverRetried() throws Exception {
        var sender = sender(10, Duration.ZERO);
        Usage refused = Fixtures.usage();
        Usage accepted = Fixtures.usage();
        script.add(events -> Delivery.rejected(List.of(refused)));

        sender.deliver(List.of(refused, accepted));

        assertThat(attempts).hasSize(1);
        assertThat(sleeps).isEmpty();
        assertThat(counters.rejected.sum()).isEqualTo(1);
        assertThat(counters.sent.sum()).isEqualTo(1);
    }

    @Test
    void whileClosingABatchWhoseNextRetryWouldMissTheDeadlineIsDropped() throws Exception {
        var sender = sender(10, Duration.ZERO);
        sender.closeBy(nanos + Duration.ofMillis(500).toNanos());
        for (int i = 0; i < 10; i++) {
            script.add(events -> Delivery.retry(events, null));
        }

        sender.deliver(List.of(Fixtures.usage(), Fixtures.usage()));

        // 200 ms fits before the deadline, 200 + 400 ms does not
        assertThat(sleeps).containsExactly(Duration.ofMillis(200));
        assertThat(attempts).hasSize(2);
        assertThat(counters.dropped.sum()).isEqualTo(2);
        assertThat(counters.sent.sum()).isZero();
    }
}
