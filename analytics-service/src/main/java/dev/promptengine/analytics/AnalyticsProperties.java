package dev.promptengine.analytics;

import dev.promptengine.schemas.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the analytics write side.
 *
 * @param retention how long raw content, raw rows and rollups are kept
 * @param partitions how far ahead daily partitions are created
 * @param maxFutureSkew events further in the future than this are poison (dead-letter topic)
 * @param retryBackoff first pause before a batch that failed for an outage (database or broker
 *     unreachable, deadlock) is retried; it doubles with each consecutive failure
 * @param maxRetryBackoff the longest such pause (well under the consumer's max.poll.interval.ms)
 * @param synchronousCommit whether batch transactions wait for their WAL flush; off by default
 *     because offsets commit with the facts, so a commit lost in a database crash is replayed
 * @param instanceId identifies this instance as owner of its partitions in {@code consumer_offset}
 * @param topics the topics consumed (tests use topics of their own)
 */
@Validated
@ConfigurationProperties("promptengine.analytics")
public record AnalyticsProperties(
        @Valid @NotNull @DefaultValue Retention retention,
        @Valid @NotNull @DefaultValue Partitions partitions,
        @NotNull @DefaultValue("1d") Duration maxFutureSkew,
        @NotNull @DefaultValue("1s") Duration retryBackoff,
        @NotNull @DefaultValue("30s") Duration maxRetryBackoff,
        @DefaultValue("false") boolean synchronousCommit,
        String instanceId,
        @Valid @NotNull @DefaultValue ConsumedTopics topics) {

    public AnalyticsProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        }
    }

    /**
     * @param contentDays rendered content, messages and responses (usage_content, execution_content)
     * @param rawDays raw rows (usage_fact, execution_fact); events older than this are dead-lettered
     * @param rollupDays hourly and daily rollups
     * @param auditDays the audit trail of queries and exports (audit_log)
     * @param deadLetterDays poison records (dead_letter); by default and at least {@code rawDays},
     *     so a dead letter can be replayed as long as its event could still be counted
     */
    public record Retention(
            @Min(1) @DefaultValue("30") int contentDays,
            @Min(1) @DefaultValue("90") int rawDays,
            @Min(1) @DefaultValue("730") int rollupDays,
            @Min(1) @DefaultValue("400") int auditDays,
            @Min(1) Integer deadLetterDays) {

        public Retention {
            if (deadLetterDays == null) {
                deadLetterDays = rawDays;
            } else if (deadLetterDays < rawDays) {
                throw new IllegalArgumentException("promptengine.analytics.retention.dead-letter-days ("
                        + deadLetterDays + ") must be at least raw-days (" + rawDays + ")");
            }
        }
    }

    /**
     * @param daysAhead daily raw partitions created ahead of today (UTC) by the scheduled job
     * @param checkInterval how often the job creates partitions ahead and enforces retention
     */
    public record Partitions(
            @Min(1) @DefaultValue("3") int daysAhead,
            @NotNull @DefaultValue("1h") Duration checkInterval) {}

    /**
     * Defaults: {@link Topics#USAGE}, {@link Topics#EXECUTION_COSTED} and {@link Topics#COST_CORRECTION}
     * (re-pricing publishes there and applies what it reads back); {@code execution} is
     * cost-service's input, whose dead letters ({@code <execution>.dlt}) are collected here too.
     */
    public record ConsumedTopics(String usage, String executionCosted, String execution, String costCorrection) {

        public ConsumedTopics {
            costCorrection = costCorrection == null ? Topics.COST_CORRECTION.name() : costCorrection;
            usage = usage == null ? Topics.USAGE.name() : usage;
            executionCosted = executionCosted == null ? Topics.EXECUTION_COSTED.name() : executionCosted;
            execution = execution == null ? Topics.EXECUTION.name() : execution;
        }

        public String deadLetter(String topic) {
            return topic + Topics.DEAD_LETTER_SUFFIX;
        }
    }
}
