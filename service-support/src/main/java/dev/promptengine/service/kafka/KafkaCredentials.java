package dev.promptengine.service.kafka;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The service's Kafka principal ({@code promptengine.kafka.username}, {@code .password}), which
 * {@code spring.kafka.properties.sasl.jaas.config} reads. Validated so that a service without its
 * password fails at start with this message instead of retrying authentication forever.
 */
@Validated
@ConfigurationProperties("promptengine.kafka")
public record KafkaCredentials(
        @NotBlank String username,

        @NotBlank(message = "must be set: the service's Kafka password (PROMPTENGINE_KAFKA_PASSWORD)")
        String password) {}
