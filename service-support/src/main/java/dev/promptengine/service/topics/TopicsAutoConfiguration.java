package dev.promptengine.service.topics;

import dev.promptengine.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Every service declares the whole topic set (topics and their dead-letter topics, the compacted
 * API key topic and the alert topic), so whichever starts first creates them and none depends on start order. Brokers
 * run with topic auto-creation off; {@link KafkaAdmin} creates what is missing and leaves existing
 * topics alone.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "promptengine.topics", name = "create", matchIfMissing = true)
@EnableConfigurationProperties(TopicProperties.class)
public class TopicsAutoConfiguration {

    /** What a dead-letter topic accepts: 2 MiB, twice a source topic's default. */
    public static final int DEAD_LETTER_MAX_BYTES = 2 * 1024 * 1024;

    @Bean
    KafkaAdmin.NewTopics promptEngineTopics(TopicProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (var topic : Topics.ALL) {
            var builder = TopicBuilder.name(topic.name())
                    .partitions(properties.partitions())
                    .replicas(properties.replicationFactor());
            if (topic == Topics.PRICING || topic == Topics.PRICING_DISCOUNTS) {
                builder.compact().config(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0");
            }
            topics.add(builder.build());
            topics.add(TopicBuilder.name(topic.deadLetter())
                    .partitions(properties.partitions())
                    .replicas(properties.replicationFactor())
                    .config(
                            TopicConfig.RETENTION_MS_CONFIG,
                            Long.toString(properties.deadLetterRetention().toMillis()))
                    // the original record plus its reason headers: may be a little above 1 MiB
                    .config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DEAD_LETTER_MAX_BYTES))
                    .build());
        }
        // compacted, one partition: a handful of small records that every instance reads whole; no
        // dead-letter topic (a reader skips what it cannot decode; analytics republishes from its database)
        topics.add(TopicBuilder.name(Topics.API_KEYS.name())
                .partitions(1)
                .replicas(properties.replicationFactor())
                .compact()
                .config(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0")
                .build());
        // alert transitions (analytics-service publishes, other services subscribe); no dead-letter topic
        topics.add(TopicBuilder.name(Topics.ALERT.name())
                .partitions(properties.partitions())
                .replicas(properties.replicationFactor())
                .build());
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
