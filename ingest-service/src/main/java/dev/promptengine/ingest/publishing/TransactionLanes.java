package dev.promptengine.ingest.publishing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few threads, each owning one transactional producer, that take waiting requests off a shared
 * queue and commit them together: one transaction per group of requests, so throughput grows with
 * load while each request stays all-or-nothing. After any failure the lane closes its producer and
 * starts a new one with the same transactional id, which fences and aborts whatever the old one
 * left open.
 */
final class TransactionLanes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionLanes.class);

    private final BlockingQueue<PendingPublish> queue = new LinkedBlockingQueue<>();
    private final Map<String, Object> producerConfig;
    private final int maxEventsPerTransaction;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    TransactionLanes(Map<String, Object> producerConfig, PublishingProperties properties) {
        this.producerConfig = Map.copyOf(producerConfig);
        this.maxEventsPerTransaction = properties.maxEventsPerTransaction();
        for (int i = 0; i < properties.lanes(); i++) {
            String transactionalId = properties.transactionalIdPrefix() + "-lane-" + i;
            Thread thread = new Thread(() -> runLane(transactionalId), "ingest-tx-lane-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    void submit(PendingPublish pending) {
        if (!running) {
            pending.result.completeExceptionally(new IllegalStateException("ingest-service is shutting down"));
            return;
        }
        queue.add(pending);
    }

    private void runLane(String transactionalId) {
        Producer<String, byte[]> producer = null;
        try {
            // ready before the first request; a broker that is away now is retried on the first request
            producer = newProducer(transactionalId);
        } catch (RuntimeException e) {
            log.info("Transactional producer {} not ready yet: {}", transactionalId, e.toString());
        }
        while (running) {
            List<PendingPublish> group;
            try {
                group = nextGroup();
            } catch (InterruptedException e) {
                break;
            }
            if (group.isEmpty()) {
                continue;
            }
            try {
                if (producer == null) {
                    producer = newProducer(transactionalId);
                }
                commit(producer, group);
            } catch (Exception e) {
                producer = discard(producer);
                if (group.size() > 1 && isRecordFault(e)) {
                    // one request's record must not fail the others that shared its transaction
                    log.warn(
                            "Transaction on {} failed on a record the broker refused, committing its {} requests"
                                    + " one by one: {}",
                            transactionalId,
                            group.size(),
                            e.toString());
                    producer = commitOneByOne(producer, transactionalId, group);
                } else {
                    log.warn(
                            "Transaction on {} failed, {} request(s) get 503: {}",
                            transactionalId,
                            group.size(),
                            e.toString());
                    group.forEach(pending -> pending.result.completeExceptionally(e));
                }
            }
        }
        discard(producer);
        drainOnShutdown();
    }

    private Producer<String, byte[]> commitOneByOne(
            Producer<String, byte[]> producer, String transactionalId, List<PendingPublish> group) {
        for (PendingPublish pending : group) {
            try {
                if (producer == null) {
                    producer = newProducer(transactionalId);
                }
                commit(producer, List.of(pending));
            } catch (Exception e) {
                pending.result.completeExceptionally(e);
                producer = discard(producer);
            }
        }
        return producer;
    }

    /**
     * A failure caused by a record itself (the broker refused it), not by the broker being away:
     * it belongs to the request that sent the record.
     */
    static boolean isRecordFault(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RecordTooLargeException
                    || cause instanceof RecordBatchTooLargeException
                    || cause instanceof InvalidRecordException) {
                return true;
            }
        }
        return false;
    }

    private List<PendingPublish> nextGroup() throws InterruptedException {
        PendingPublish first = queue.take();
        var group = new ArrayList<PendingPublish>();
        int events = 0;
        PendingPublish next = first;
        while (next != null) {
            if (!next.isAbandoned()) {
                group.add(next);
                events += next.records.size();
            }
            if (events >= maxEventsPerTransaction) {
                break;
            }
            next = queue.poll();
        }
        return group;
    }

    private static void commit(Producer<String, byte[]> producer, List<PendingPublish> group) throws Exception {
        producer.beginTransaction();
        var sends = new ArrayList<Future<RecordMetadata>>();
        for (PendingPublish pending : group) {
            for (var record : pending.records) {
                sends.add(producer.send(record));
            }
        }
        // wait for every acknowledgement first, so the commit itself is a short, bounded step
        producer.flush();
        for (var send : sends) {
            send.get(); // already complete after flush; throws if the broker refused a record
        }
        var committing = new ArrayList<PendingPublish>(group.size());
        for (PendingPublish pending : group) {
            if (pending.startCommit()) {
                committing.add(pending);
            }
        }
        if (committing.size() < group.size()) {
            // a request gave up meanwhile and answered 503: none of its records may become visible
            producer.abortTransaction();
            throw new IllegalStateException("a request of this transaction timed out before its commit");
        }
        producer.commitTransaction();
        committing.forEach(pending -> pending.result.complete(null));
    }

    private Producer<String, byte[]> newProducer(String transactionalId) {
        var config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        // requests arrive Avro-encoded (on their own threads, in parallel), not in this lane's loop
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // each lane owns its producer's life (close and re-create after a failed transaction), which a
        // shared ProducerFactory cache would hide; the settings are Boot's spring.kafka.producer.*
        var producer = new KafkaProducer<String, byte[]>(config);
        try {
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    private static Producer<String, byte[]> discard(Producer<String, byte[]> producer) {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.debug("Closing a failed transactional producer failed", e);
            }
        }
        return null;
    }

    private void drainOnShutdown() {
        PendingPublish pending;
        while ((pending = queue.poll()) != null) {
            pending.result.completeExceptionally(new IllegalStateException("ingest-service is shutting down"));
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
