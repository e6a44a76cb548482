package dev.promptengine.deploy.demo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The ingest HTTP contract's JSON bodies (ARCHITECTURE.md "HTTP contracts"), written snake_case. */
final class Events {

    /** {@code POST /v1/events}: a batch of usages and executions. */
    record EventBatch(List<Usage> usages, List<Execution> executions) {}

    record Usage(
            UUID id,
            Instant occurredAt,
            UUID promptId,
            String promptSlug,
            int promptVersion,
            String environment,
            String sessionId,
            String userIdentifier,
            Map<String, Object> parameters,
            String renderedContent,
            String renderedSystemMessage,
            Map<String, Object> metadata) {}

    /**
     * {@code environment}, {@code session_id} and {@code user_identifier} repeat the usage's values
     * (denormalised, see docs/architecture.md); cached and cache-write tokens are part of
     * {@code input_tokens}, reasoning tokens part of {@code output_tokens}, and
     * {@code total_tokens = input_tokens + output_tokens}, as ingest-service validates.
     */
    record Execution(
            UUID id,
            UUID usageId,
            Instant occurredAt,
            String promptSlug,
            int promptVersion,
            String environment,
            String sessionId,
            String userIdentifier,
            String provider,
            String model,
            double temperature,
            int maxTokens,
            List<Message> messages,
            String responseContent,
            int inputTokens,
            int outputTokens,
            int totalTokens,
            Integer cachedInputTokens,
            Integer cacheWriteTokens,
            Integer reasoningTokens,
            long executionTimeMs,
            String status,
            String errorMessage,
            Map<String, Object> responseMetadata) {}

    record Message(String role, String content) {}

    private Events() {}
}
