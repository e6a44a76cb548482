package dev.promptengine.cost.enrichment;

import dev.promptengine.cost.pricing.PriceTableReady;
import dev.promptengine.cost.pricing.UnpricedModels;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Consumes executions in batches and produces costed executions. The container runs each batch in
 * a Kafka transaction (EOS v2): the costed records, any dead letters and the consumed offsets
 * commit together or not at all, so a crash anywhere redelivers the batch and read_committed
 * consumers see every execution exactly once. Lookups hit only the in-memory price table.
 *
 * <p>A record that cannot be decoded ({@code ErrorHandlingDeserializer} hands over a null value
 * with the failure in a header) or processed goes to the dead-letter topic inside the same
 * transaction, via {@link DeadLetterPublishingRecoverer} (reason in its {@code kafka_dlt-*}
 * headers); the batch goes on.
 */
@Component
class EnrichmentListener {

    static final String ID = "enrichment";
    private static final Logger log = LoggerFactory.getLogger(EnrichmentListener.class);
    private static final LogAccessor logAccessor = new LogAccessor(LogFactory.getLog(EnrichmentListener.class));

    private record Unpriced(String provider, String model) {}

    private record Seen(long count, Instant first, Instant last) {}

    private final ExecutionPricer pricer;
    private final KafkaTemplate<String, Object> template;
    private final DeadLetterPublishingRecoverer deadLetters;
    private final EnrichmentProperties properties;
    private final UnpricedModels unpricedModels;
    private final KafkaListenerEndpointRegistry registry;
    private final Counter priced;
    private final Counter unpriced;
    private final Counter deadLettered;

    EnrichmentListener(
            ExecutionPricer pricer,
            KafkaTemplate<String, Object> template,
            DeadLetterPublishingRecoverer deadLetters,
            EnrichmentProperties properties,
            UnpricedModels unpricedModels,
            KafkaListenerEndpointRegistry registry,
            MeterRegistry meters) {
        this.pricer = pricer;
        this.template = template;
        this.deadLetters = deadLetters;
        this.properties = properties;
        this.unpricedModels = unpricedModels;
        this.registry = registry;
        this.priced = executions(meters, "PRICED");
        this.unpriced = executions(meters, "UNPRICED");
        this.deadLettered = executions(meters, "DEAD_LETTER");
    }

    @EventListener
    void start(PriceTableReady ready) {
        log.info("Starting cost enrichment of {} with {} price(s)", properties.inputTopic(), ready.prices());
        registry.getListenerContainer(ID).start();
    }

    @KafkaListener(
            id = ID,
            topics = "${promptengine.enrichment.input-topic:#{T(dev.promptengine.schemas.Topics).EXECUTION.name()}}",
            idIsGroup = false,
            autoStartup = "false",
            batch = "true")
    void enrich(List<ConsumerRecord<String, LlmExecution>> records) {
        long pricedCount = 0;
        long deadLetterCount = 0;
        Map<Unpriced, Seen> unpricedSeen = new HashMap<>();
        for (var record : records) {
            var execution = record.value();
            if (execution == null) {
                deadLetters.accept(record, null, decodingFailure(record));
                deadLetterCount++;
                continue;
            }
            if (record.serializedValueSize() > properties.maxInputBytes()) {
                deadLetters.accept(
                        record, null, new ExecutionTooLargeException(record.serializedValueSize(), properties));
                deadLetterCount++;
                continue;
            }
            CostedLlmExecution costed;
            try {
                costed = pricer.price(execution);
            } catch (RuntimeException e) {
                deadLetters.accept(record, null, e);
                deadLetterCount++;
                continue;
            }
            template.send(properties.outputTopic(), record.key(), costed);
            if (costed.getCost().getPricingStatus() == PricingStatus.UNPRICED) {
                Instant at = execution.getOccurredAt();
                unpricedSeen.merge(
                        new Unpriced(execution.getProvider(), execution.getModel()),
                        new Seen(1, at, at),
                        (a, b) -> new Seen(
                                a.count() + 1,
                                a.first().isBefore(b.first()) ? a.first() : b.first(),
                                a.last().isAfter(b.last()) ? a.last() : b.last()));
            } else {
                pricedCount++;
            }
        }
        afterCommit(pricedCount, deadLetterCount, unpricedSeen);
    }

    /** Counters move only for what the transaction committed, so a redelivered batch is not counted twice. */
    private void afterCommit(long pricedCount, long deadLetterCount, Map<Unpriced, Seen> unpricedSeen) {
        Runnable count = () -> {
            priced.increment(pricedCount);
            deadLettered.increment(deadLetterCount);
            unpricedSeen.forEach((model, seen) -> {
                unpriced.increment(seen.count());
                unpricedModels.record(model.provider(), model.model(), seen.count(), seen.first(), seen.last());
            });
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count.run();
                }
            });
        } else {
            count.run();
        }
    }

    /** An execution too large to be costed within the broker's record limit. */
    static final class ExecutionTooLargeException extends RuntimeException {
        ExecutionTooLargeException(int bytes, EnrichmentProperties properties) {
            super("execution of " + bytes + " bytes is above promptengine.enrichment.max-input-bytes ("
                    + properties.maxInputBytes() + "): its costed record could exceed the broker's record limit");
        }
    }

    private static Exception decodingFailure(ConsumerRecord<String, LlmExecution> record) {
        var failure = SerializationUtils.getExceptionFromHeader(
                record, SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, logAccessor);
        return failure != null
                ? failure
                : new IllegalArgumentException("Record has no value (tombstone); an execution is required");
    }

    private static Counter executions(MeterRegistry meters, String outcome) {
        return Counter.builder("promptengine.cost.executions")
                .description("Executions the enrichment committed, by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }
}
