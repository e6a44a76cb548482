package dev.promptengine.cost.enrichment;

import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * What {@code spring.kafka} properties cannot express: where dead letters go, and that a batch
 * whose transaction did not commit is always consumed again.
 */
@Configuration(proxyBeanMethods = false)
class EnrichmentConfiguration {

    static final String REASON_HEADER = Topics.DEAD_LETTER_REASON_HEADER;
    static final Duration MAX_RETRY_INTERVAL = Duration.ofSeconds(10);

    /**
     * Publishes with Boot's (transactional) template, so inside the listener a dead letter joins the
     * batch's transaction. The contract's topic suffix is {@code .dlt}, not spring-kafka's default
     * {@code -dlt}; partition -1 lets the key choose, as on the source topic.
     */
    @Bean
    DeadLetterPublishingRecoverer executionDeadLetters(
            KafkaOperations<String, Object> template, EnrichmentProperties properties) {
        var recoverer = new DeadLetterPublishingRecoverer(
                template, (record, exception) -> new TopicPartition(properties.deadLetterTopic(), -1));
        // For a decoding failure spring-kafka's kafka_dlt-exception-message is only "failed to
        // deserialize"; this header always carries the actual reason in one line.
        recoverer.setHeadersFunction((record, exception) -> new RecordHeaders(new Header[] {
            new RecordHeader(REASON_HEADER, reason(record.topic(), exception).getBytes(StandardCharsets.UTF_8))
        }));
        return recoverer;
    }

    /**
     * A fenced container stops instead of polling past the aborted batch; {@link EnrichmentFencing}
     * restarts it from the committed offsets.
     */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> stopWhenFenced() {
        return container -> container.getContainerProperties().setStopContainerWhenFenced(true);
    }

    /**
     * Every poison record is dead-lettered inside the listener, so a batch whose transaction rolls
     * back failed for a reason outside the records (broker loss, a transaction timeout): it is
     * consumed again, with a back-off growing to {@code MAX_RETRY_INTERVAL}, and never skipped.
     * Batch listeners are not recovered after a rollback (spring-kafka's
     * {@code batchRecoverAfterRollback} stays false), so the back-off only paces the retries; an
     * unbounded one states that there is no last attempt.
     */
    @Bean
    AfterRollbackProcessor<Object, Object> retryRolledBackBatches() {
        var backOff = new ExponentialBackOff(100, 2);
        backOff.setMaxInterval(MAX_RETRY_INTERVAL.toMillis());
        return new DefaultAfterRollbackProcessor<>(backOff);
    }

    /**
     * One line saying why. The decoding failure reaches the recoverer without its cause (it travels
     * Java-serialized in a header), so the original bytes are decoded again to recover the message.
     */
    static String reason(String topic, Exception exception) {
        if (exception instanceof DeserializationException failure && failure.getData() != null) {
            try {
                new AvroDeserializer<>().deserialize(topic, failure.getData());
            } catch (RuntimeException e) {
                return "Cannot decode execution: " + e.getMessage();
            }
        }
        return String.valueOf(
                NestedExceptionUtils.getMostSpecificCause(exception).getMessage());
    }
}
