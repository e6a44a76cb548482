package dev.promptengine.service.kafka;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Checks the Kafka credentials at start whenever the service talks SASL to its brokers. */
@AutoConfiguration
@ConditionalOnProperty(prefix = "spring.kafka.security", name = "protocol", havingValue = "SASL_PLAINTEXT")
@EnableConfigurationProperties(KafkaCredentials.class)
public class KafkaCredentialsAutoConfiguration {}
