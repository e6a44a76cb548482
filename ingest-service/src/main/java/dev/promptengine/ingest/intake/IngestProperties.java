package dev.promptengine.ingest.intake;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code promptengine.ingest}: request and field limits.
 *
 * @param maxBodySize larger bodies answer 413
 * @param maxBatchEvents usages plus executions in one {@code /v1/events} request; more answer 413
 * @param maxContentLength characters of one content field (rendered content, system message, a
 *     message, the response, an error message)
 * @param maxObjectLength characters of a JSON object field (parameters, metadata) as JSON text
 * @param maxIdentifierLength characters of a short field (slug, provider, model, environment, ...)
 * @param maxMessages messages of one execution
 * @param maxClockSkew how far {@code occurred_at} may lie in the future (422 beyond)
 * @param maxEventAge how old {@code occurred_at} may be (422 beyond); must not exceed analytics'
 *     raw retention ({@code promptengine.analytics.retention.raw-days}), which would dead-letter the
 *     event after the 202
 * @param maxTokens the largest token count of one call per field ({@code total_tokens}: twice it);
 *     keeps every rollup sum far inside a bigint
 * @param maxExecutionTime the largest {@code execution_time_ms}
 */
@Validated
@ConfigurationProperties("promptengine.ingest")
record IngestProperties(
        @DefaultValue("5MB") DataSize maxBodySize,
        @DefaultValue("1000") @Min(1) int maxBatchEvents,
        @DefaultValue("100000") @Min(1) int maxContentLength,
        @DefaultValue("65536") @Min(2) int maxObjectLength,
        @DefaultValue("255") @Min(1) int maxIdentifierLength,
        @DefaultValue("1000") @Min(1) int maxMessages,
        @DefaultValue("5m") Duration maxClockSkew,
        @DefaultValue("90d") Duration maxEventAge,

        @DefaultValue("1000000000") @Min(1) @Max(1_000_000_000_000L)
        long maxTokens,

        @DefaultValue("24h") Duration maxExecutionTime) {}
