package dev.promptengine.cost.enrichment;

import dev.promptengine.schemas.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code promptengine.enrichment}: the topics the enrichment reads and writes; by default the
 * contract's ({@link Topics#EXECUTION}, {@link Topics#EXECUTION_COSTED} and the execution
 * dead-letter topic). Tests and benchmarks point an instance at topics of their own.
 * {@code max-input-bytes} (default 1,024,000, ingest-service's max-record-size): a larger execution is dead-lettered instead of
 * priced, so its costed record (a few hundred bytes more) always fits the broker's 1 MiB limit and
 * one oversized record can never fail its batch's transaction over and over.
 */
@ConfigurationProperties("promptengine.enrichment")
record EnrichmentProperties(String inputTopic, String outputTopic, String deadLetterTopic, Integer maxInputBytes) {

    static final int DEFAULT_MAX_INPUT_BYTES = 1_024_000; // ingest-service's max-record-size (1000 KB)

    EnrichmentProperties {
        maxInputBytes = maxInputBytes == null ? DEFAULT_MAX_INPUT_BYTES : maxInputBytes;
        inputTopic = blank(inputTopic) ? Topics.EXECUTION.name() : inputTopic;
        outputTopic = blank(outputTopic) ? Topics.EXECUTION_COSTED.name() : outputTopic;
        deadLetterTopic = blank(deadLetterTopic) ? inputTopic + Topics.DEAD_LETTER_SUFFIX : deadLetterTopic;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
