package dev.promptengine.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The one thread that talks to the pipeline: takes a batch off the queue (up to
 * {@code maxBatchSize} events, or what arrived within {@code linger} of the first), delivers it,
 * and resends what failed with {@link Backoff} until it is acknowledged or refused. While it
 * retries, new events wait in the bounded queue.
 */
final class Sender implements Runnable {

    /** How often an idle sender looks whether the client is closing. */
    private static final long IDLE_POLL_NANOS = Duration.ofMillis(100).toNanos();

    /** Waits between attempts; null in the constructor means a wait that {@link #closeBy} cuts short. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final EventQueue queue;
    private final Transport transport;
    private final Counters counters;
    private final Problems problems;
    private final Backoff backoff;
    private final int maxBatchSize;
    private final long lingerNanos;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;

    private volatile boolean closing;
    private volatile long closeDeadline;
    private volatile int inFlight;

    Sender(
            EventQueue queue,
            Transport transport,
            Counters counters,
            Problems problems,
            Backoff backoff,
            int maxBatchSize,
            Duration linger,
            Sleeper sleeper,
            LongSupplier nanoTime) {
        this.queue = queue;
        this.transport = transport;
        this.counters = counters;
        this.problems = problems;
        this.backoff = backoff;
        this.maxBatchSize = maxBatchSize;
        this.lingerNanos = linger.toNanos();
        this.sleeper = sleeper != null ? sleeper : this::pause;
        this.nanoTime = nanoTime;
    }

    private final Object wake = new Object();

    /**
     * Waits out a backoff, cut short when the client starts closing meanwhile (one more attempt
     * follows at once); a wait that starts while closing is waited in full (it ends before the deadline).
     */
    private void pause(Duration duration) throws InterruptedException {
        long until = System.nanoTime() + duration.toNanos();
        synchronized (wake) {
            boolean closingAtStart = closing;
            long left;
            while (closing == closingAtStart && (left = until - System.nanoTime()) > 0) {
                wake.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void run() {
        var batch = new ArrayList<Event>(maxBatchSize);
        while (!(closing && queue.isEmpty()) && !Thread.currentThread().isInterrupted()) {
            try {
                collect(batch);
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (InterruptedException e) {
                counters.dropped(unfinished(batch));
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                // a bug must not kill the only sender: give up this batch, keep going
                counters.rejected(unfinished(batch));
                problems.once("sender-" + e.getClass().getName(), "Cannot deliver a batch: " + e);
            } finally {
                batch.clear();
                inFlight = 0;
            }
        }
    }

    private int unfinished(List<Event> batch) {
        return inFlight > 0 ? inFlight : batch.size();
    }

    /** Lets the queue drain, then stops; a batch whose next retry would end after {@code deadlineNanos} is dropped. */
    void closeBy(long deadlineNanos) {
        closeDeadline = deadlineNanos;
        synchronized (wake) {
            closing = true;
            wake.notifyAll();
        }
    }

    /** Events taken off the queue and not yet acknowledged or refused. */
    int inFlight() {
        return inFlight;
    }

    /** Fills {@code batch}: waits for a first event, then up to {@code linger} for more, at most {@code maxBatchSize}. */
    void collect(List<Event> batch) throws InterruptedException {
        Event first = queue.poll(closing ? 0 : IDLE_POLL_NANOS);
        if (first == null) {
            return;
        }
        batch.add(first);
        long until = nanoTime.getAsLong() + lingerNanos;
        while (batch.size() < maxBatchSize) {
            queue.drainTo(batch, maxBatchSize - batch.size());
            long left = until - nanoTime.getAsLong();
            if (batch.size() >= maxBatchSize || closing || left <= 0) {
                break;
            }
            Event next = queue.poll(left);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        inFlight = batch.size();
    }

    /** Sends {@code batch} until every event is acknowledged or refused (or the close deadline passes). */
    void deliver(List<Event> batch) throws InterruptedException {
        List<Event> pending = batch;
        int attempt = 0;
        while (!pending.isEmpty()) {
            Delivery delivery = transport.send(pending);
            counters.rejected(delivery.rejected().size());
            counters.sent(pending.size()
                    - delivery.retry().size()
                    - delivery.rejected().size());
            pending = delivery.retry();
            inFlight = pending.size();
            if (pending.isEmpty()) {
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            attempt++;
            Duration wait = backoff.delay(attempt, delivery.retryAfter());
            if (closing && nanoTime.getAsLong() + wait.toNanos() > closeDeadline) {
                Problems.warn("Closing: " + pending.size() + " events could not be delivered before the deadline"
                        + " and are dropped");
                counters.dropped(pending.size());
                return;
            }
            sleeper.sleep(wait);
            counters.retried(pending.size());
        }
    }
}
