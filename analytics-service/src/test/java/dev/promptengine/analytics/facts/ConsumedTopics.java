package dev.promptengine.analytics.facts;

import dev.promptengine.testsupport.TestKafka;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points the analytics consumer of a test at topics of its own, in a consumer group of its own. */
final class ConsumedTopics {

    private ConsumedTopics() {}

    static void register(DynamicPropertyRegistry registry, String usageTopic, String costedTopic) {
        registry.add("promptengine.analytics.topics.usage", () -> usageTopic);
        registry.add("promptengine.analytics.topics.execution-costed", () -> costedTopic);
        registry.add("spring.kafka.consumer.group-id", () -> "analytics-" + UUID.randomUUID());
    }

    /** The same, creating the topics and their dead-letter topics first (3 partitions). */
    static void create(DynamicPropertyRegistry registry, String usageTopic, String costedTopic) {
        TestKafka.createTopics(3, usageTopic, costedTopic, usageTopic + ".dlt", costedTopic + ".dlt");
        register(registry, usageTopic, costedTopic);
    }
}
