package dev.promptengine.cost.enrichment;

import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/** What {@code spring.kafka} properties cannot express: where dead letters go. */
@Configuration(proxyBeanMethods = false)
class EnrichmentConfiguration {

    /**
     * Publishes with Boot's (transactional) template, so inside the listener a dead letter joins the
     * batch's transaction. The contract's topic suffix is {@code .dlt}, not spring-kafka's default
     * {@code -dlt}; partition -1 lets the key choose, as on the source topic.
     */
    @Bean
    DeadLetterPublishingRecoverer executionDeadLetters(
            KafkaOperations<String, Object> template, EnrichmentProperties properties) {
        return new DeadLetterPublishingRecoverer(
                template, (record, exception) -> new TopicPartition(properties.deadLetterTopic(), -1));
    }
}
