package dev.promptengine.cost.enrichment;

import dev.promptengine.schemas.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code promptengine.enrichment}: the topics the enrichment reads and writes; by default the
 * contract's ({@link Topics#EXECUTION}, {@link Topics#EXECUTION_COSTED} and the execution
 * dead-letter topic). Tests and benchmarks point an instance at topics of their own.
 */
@ConfigurationProperties("promptengine.enrichment")
record EnrichmentProperties(String inputTopic, String outputTopic, String deadLetterTopic) {

    EnrichmentProperties {
        inputTopic = blank(inputTopic) ? Topics.EXECUTION.name() : inputTopic;
        outputTopic = blank(outputTopic) ? Topics.EXECUTION_COSTED.name() : outputTopic;
        deadLetterTopic = blank(deadLetterTopic) ? inputTopic + Topics.DEAD_LETTER_SUFFIX : deadLetterTopic;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
