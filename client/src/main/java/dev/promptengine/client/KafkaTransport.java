package dev.promptengine.client;

import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import dev.promptengine.schemas.sealing.EventSealer;
import dev.promptengine.schemas.sealing.KeyUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Avro straight to {@code promptengine.usage.v1} / {@code promptengine.execution.v1}, keyed by
 * usage id, after ingest-service's privacy rules ({@link Privacy}), one Kafka transaction per batch: a failed attempt is aborted and resent whole, so a
 * {@code read_committed} consumer sees every event once. Events are encoded with the
 * {@code schemas} serializer before sending, so one that cannot be encoded or is too large is
 * refused alone. After any failure the producer is closed; the next attempt opens a new one with
 * the same transactional id, which fences whatever the old one left open.
 */
final class KafkaTransport implements Transport {

    private final Map<String, Object> config;
    private final String tenant;
    private final Privacy privacy;
    private final EventSealer sealer;
    private final int maxRecordBytes;
    private final Problems problems;
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
    private Producer<String, byte[]> producer;
    private boolean initialised;

    /** Creates the producer at once (it connects only later), so a bad producer setting fails the builder. */
    KafkaTransport(
            Map<String, Object> config,
            String tenant,
            Privacy privacy,
            EventSealer sealer,
            int maxRecordBytes,
            Problems problems) {
        this.config = Map.copyOf(config);
        this.tenant = tenant;
        this.privacy = privacy;
        this.sealer = sealer;
        this.maxRecordBytes = maxRecordBytes;
        this.problems = problems;
        this.producer = newProducer();
    }

    @Override
    public Delivery send(List<Event> batch) {
        var rejected = new ArrayList<Event>();
        var records = new ArrayList<ProducerRecord<String, byte[]>>(batch.size());
        var encoded = new ArrayList<Event>(batch.size());
        for (Event event : batch) {
            ProducerRecord<String, byte[]> record;
            try {
                record = record(event);
            } catch (SealingFailed e) {
                // the keys, not the event, are at fault: keep the batch and try again with backoff
                problems.once("seal", "Cannot seal content (" + e.getCause() + "); retrying with backoff");
                return Delivery.retry(batch, null);
            }
            if (record == null) {
                rejected.add(event);
            } else {
                records.add(record);
                encoded.add(event);
            }
        }
        if (records.isEmpty()) {
            return Delivery.rejected(rejected);
        }
        try {
            Producer<String, byte[]> open = producer();
            open.beginTransaction();
            for (var record : records) {
                open.send(record);
            }
            open.commitTransaction();
            return Delivery.rejected(rejected);
        } catch (InterruptException e) {
            reset();
            Thread.currentThread().interrupt();
            return Delivery.retry(encoded, null).plus(Delivery.rejected(rejected));
        } catch (KafkaException | IllegalStateException e) {
            reset();
            Throwable permanent = permanent(e);
            if (permanent != null) {
                // retrying cannot help and would hold every later event behind this batch
                problems.once(
                        "kafka-" + permanent.getClass().getSimpleName(),
                        "Kafka refused a batch of " + batch.size() + " events for good: " + permanent);
                return Delivery.rejected(batch);
            }
            problems.once("kafka-io", "Kafka unavailable (" + e + "); retrying with backoff");
            return Delivery.retry(encoded, null).plus(Delivery.rejected(rejected));
        }
    }

    /**
     * The cause that no retry can fix: wrong credentials, missing ACLs, or a record the topic
     * refuses as too large (its {@code max.message.bytes} below {@code maxRecordBytes}).
     */
    private static Throwable permanent(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof AuthenticationException
                    || cause instanceof AuthorizationException
                    || cause instanceof RecordTooLargeException) {
                return cause;
            }
        }
        return null;
    }

    private ProducerRecord<String, byte[]> record(Event event) {
        try {
            String topic;
            SpecificRecord value;
            if (event instanceof Usage usage) {
                topic = Topics.USAGE.name();
                value = sealed(usage(usage));
            } else {
                topic = Topics.EXECUTION.name();
                value = sealed(execution((Execution) event));
            }
            String key = event.key().toString();
            byte[] bytes = serializer.serialize(topic, value);
            if (bytes.length + key.getBytes(StandardCharsets.UTF_8).length > maxRecordBytes) {
                problems.once(
                        "kafka-event-too-large",
                        "An event of " + bytes.length + " bytes exceeds the record limit of " + maxRecordBytes
                                + " bytes and is rejected");
                return null;
            }
            return new ProducerRecord<>(topic, key, bytes);
        } catch (SealingFailed e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            problems.once("encode", "Cannot encode an event as Avro (" + e + "); it is rejected");
            return null;
        }
    }

    /** The record with its content sealed when sealing is on. */
    private SpecificRecord sealed(SpecificRecord record) {
        if (sealer == null) {
            return record;
        }
        try {
            return record instanceof PromptUsage usage ? sealer.seal(usage) : sealer.seal((LlmExecution) record);
        } catch (KeyUnavailableException | java.io.UncheckedIOException | IllegalStateException e) {
            throw new SealingFailed(e);
        }
    }

    /** Sealing failed for a reason of the keys (unreadable or unwritable key directory, KMS down). */
    private static final class SealingFailed extends RuntimeException {
        SealingFailed(Throwable cause) {
            super(cause);
        }
    }

    PromptUsage usage(Usage usage) {
        var rules = privacy.forEvent();
        return PromptUsage.newBuilder()
                .setId(usage.id())
                .setTenant(tenant)
                .setOccurredAt(usage.occurredAt())
                .setReceivedAt(null)
                .setPromptId(usage.promptId())
                .setPromptSlug(usage.promptSlug())
                .setPromptVersion(usage.promptVersion())
                .setEnvironment(environment(usage.environment()))
                .setSessionId(usage.sessionId())
                .setUserIdentifier(usage.userIdentifier())
                .setParameters(rules.parameters(usage.parameters()))
                .setRenderedContent(rules.content(usage.renderedContent()))
                .setRenderedSystemMessage(rules.content(usage.renderedSystemMessage()))
                .setMetadata(rules.metadata(usage.metadata()))
                .setCaptureMode(captureMode(rules))
                .setRedactions(rules.counts())
                .build();
    }

    LlmExecution execution(Execution execution) {
        var rules = privacy.forEvent();
        var messages = new ArrayList<dev.promptengine.events.Message>(
                execution.messages().size());
        for (Message message : execution.messages()) {
            if (message != null) {
                messages.add(new dev.promptengine.events.Message(message.role(), rules.content(message.content())));
            }
        }
        long total = execution.totalTokens() != null
                ? execution.totalTokens()
                : execution.inputTokens() + execution.outputTokens();
        return LlmExecution.newBuilder()
                .setId(execution.id())
                .setUsageId(execution.usageId())
                .setTenant(tenant)
                .setOccurredAt(execution.occurredAt())
                .setReceivedAt(null)
                .setPromptSlug(execution.promptSlug())
                .setPromptVersion(execution.promptVersion())
                .setEnvironment(environment(execution.environment()))
                .setSessionId(execution.sessionId())
                .setUserIdentifier(execution.userIdentifier())
                .setProvider(execution.provider())
                .setModel(execution.model())
                .setTemperature(execution.temperature())
                .setMaxTokens(execution.maxTokens())
                .setMessages(messages)
                .setResponseContent(rules.content(execution.responseContent()))
                .setInputTokens(execution.inputTokens())
                .setOutputTokens(execution.outputTokens())
                .setTotalTokens(total)
                .setCachedInputTokens(execution.cachedInputTokens())
                .setCacheWriteTokens(execution.cacheWriteTokens())
                .setReasoningTokens(execution.reasoningTokens())
                .setExecutionTimeMs(execution.executionTimeMs())
                .setStatus(ExecutionStatus.valueOf(execution.status().name()))
                .setErrorMessage(rules.annotation(execution.errorMessage()))
                .setResponseMetadata(rules.metadata(execution.responseMetadata()))
                .setProviderCost(
                        execution.providerCostUsd() == null
                                ? null
                                : dev.promptengine.schemas.Money.toEventScale(execution.providerCostUsd()))
                .setCaptureMode(captureMode(rules))
                .setRedactions(rules.counts())
                .build();
    }

    private static dev.promptengine.events.CaptureMode captureMode(Privacy.Applied rules) {
        return dev.promptengine.events.CaptureMode.valueOf(rules.mode().name());
    }

    private static String environment(String environment) {
        return environment == null || environment.isBlank() ? "production" : environment;
    }

    private KafkaProducer<String, byte[]> newProducer() {
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** The producer, its transactions initialised; a new one after {@link #reset}. */
    private Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = newProducer();
        }
        if (!initialised) {
            producer.initTransactions();
            initialised = true;
        }
        return producer;
    }

    private void reset() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                // already failed; the next producer fences it
            }
            producer = null;
        }
        initialised = false;
    }

    @Override
    public void close() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // closing anyway
            }
            producer = null;
        }
    }
}
