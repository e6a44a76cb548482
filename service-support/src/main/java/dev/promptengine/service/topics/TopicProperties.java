package dev.promptengine.service.topics;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the pipeline's topics are created when missing: {@code promptengine.topics.partitions}
 * (default 6, the unit of consumer parallelism) and {@code replication-factor} (default 1 for the
 * single local broker; use 3 in production); {@code dead-letter-retention} (default 90 days, the
 * raw-fact retention: a dead letter stays replayable as long as its event could still be counted)
 * for the {@code <topic>.dlt} topics, which Kafka would otherwise expire after 7 days.
 */
@Validated
@ConfigurationProperties("promptengine.topics")
public record TopicProperties(
        @DefaultValue("true") boolean create,
        @DefaultValue("6") @Min(1) int partitions,
        @DefaultValue("1") @Min(1) short replicationFactor,
        @DefaultValue("90d") java.time.Duration deadLetterRetention) {}
