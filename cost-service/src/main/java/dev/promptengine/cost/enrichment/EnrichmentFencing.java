package dev.promptengine.cost.enrichment;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.stereotype.Component;

/**
 * What happens when another producer fences one of the enrichment's transactional producers.
 *
 * <p>spring-kafka's default, with {@code stopContainerWhenFenced} false, logs the fencing and
 * polls on: the consumer's position is already past the batch whose transaction was aborted, so
 * that batch is skipped, and the next commit moves the group's offset over it for good. Two
 * running instances with the same {@code promptengine.instance-id} fence each other this way
 * and lost executions (8 of 450 in the cluster test that found it).
 *
 * <p>So the container stops when fenced ({@link EnrichmentConfiguration#stopWhenFenced}), which
 * closes the consumer without committing, and this restarts the whole listener container after a
 * short pause: the new consumers rejoin the group and resume from the committed offsets, so the
 * aborted batch is consumed again. The log line and the {@code promptengine.cost.fenced} counter
 * say what to fix; a restarted instance fencing its own killed predecessor (the reason the
 * transactional ids are stable) never reaches this, since that predecessor is gone.
 */
@Component
class EnrichmentFencing {

    static final String FENCED_MESSAGE = "Cost enrichment was fenced";
    static final Duration RESTART_DELAY = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(EnrichmentFencing.class);

    private final KafkaListenerEndpointRegistry registry;
    private final String instanceId;
    private final Counter fenced;
    private final AtomicBoolean restartPending = new AtomicBoolean();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "enrichment-fencing");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closing;

    EnrichmentFencing(
            KafkaListenerEndpointRegistry registry,
            @Value("${promptengine.instance-id}") String instanceId,
            MeterRegistry meters) {
        this.registry = registry;
        this.instanceId = instanceId;
        this.fenced = Counter.builder("promptengine.cost.fenced")
                .description("Times a transactional producer of the enrichment was fenced by another producer")
                .register(meters);
    }

    @EventListener
    void consumerStopped(ConsumerStoppedEvent event) {
        if (event.getReason() != ConsumerStoppedEvent.Reason.FENCED) {
            return;
        }
        fenced.increment();
        log.error(
                "{}: another producer took over a transactional id with prefix cost-{}-. The batch in flight"
                        + " was aborted and is consumed again after a restart of the listener in {}. If this"
                        + " repeats, two running instances share promptengine.instance-id; give each its own.",
                FENCED_MESSAGE,
                instanceId,
                RESTART_DELAY);
        if (!closing && restartPending.compareAndSet(false, true)) {
            restarts.schedule(this::restart, RESTART_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops what still runs of the container, then starts it afresh (new consumers, new producers). */
    private void restart() {
        var container = registry.getListenerContainer(EnrichmentListener.ID);
        if (container == null || closing) {
            return;
        }
        container.stop(() -> restarts.execute(() -> {
            restartPending.set(false);
            if (!closing) {
                log.info("Restarting cost enrichment after fencing");
                container.start();
            }
        }));
    }

    @EventListener
    void closing(ContextClosedEvent event) {
        closing = true;
    }

    @PreDestroy
    void stop() {
        closing = true;
        restarts.shutdownNow();
    }
}
