package dev.promptengine.ingest.publishing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One request's records waiting for a transaction lane. The request thread and the lane race on
 * {@link #state}: a request that gave up (503) is never committed afterwards, and a request whose
 * commit has begun waits for its outcome rather than answering 503 for events that may be visible.
 */
final class PendingPublish {

    private static final int QUEUED = 0;
    private static final int COMMITTING = 1;
    private static final int ABANDONED = 2;

    final List<ProducerRecord<String, byte[]>> records;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(QUEUED);

    PendingPublish(List<ProducerRecord<String, byte[]>> records) {
        this.records = records;
    }

    /** The lane is about to commit; false when the request already gave up. */
    boolean startCommit() {
        return state.compareAndSet(QUEUED, COMMITTING);
    }

    /** The request gives up; false when its commit has already begun. */
    boolean abandon() {
        return state.compareAndSet(QUEUED, ABANDONED);
    }

    boolean isAbandoned() {
        return state.get() == ABANDONED;
    }
}
