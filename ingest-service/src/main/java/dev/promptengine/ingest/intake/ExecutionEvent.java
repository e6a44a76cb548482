package dev.promptengine.ingest.intake;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A validated execution as the client sent it (before privacy rules). {@code environment},
 * {@code sessionId} and {@code userIdentifier} are null when absent so they can be filled from a
 * usage in the same batch.
 */
record ExecutionEvent(
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
        Double temperature,
        Integer maxTokens,
        List<ChatMessage> messages,
        String responseContent,
        long inputTokens,
        long outputTokens,
        long totalTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long executionTimeMs,
        Status status,
        String errorMessage,
        JsonObject responseMetadata,
        java.math.BigDecimal providerCost) {

    enum Status {
        SUCCESS,
        ERROR,
        TIMEOUT
    }

    record ChatMessage(String role, String content) {}

    ExecutionEvent withUsageContext(String environment, String sessionId, String userIdentifier) {
        return new ExecutionEvent(
                id,
                usageId,
                occurredAt,
                promptSlug,
                promptVersion,
                environment,
                sessionId,
                userIdentifier,
                provider,
                model,
                temperature,
                maxTokens,
                messages,
                responseContent,
                inputTokens,
                outputTokens,
                totalTokens,
                cachedInputTokens,
                cacheWriteTokens,
                reasoningTokens,
                executionTimeMs,
                status,
                errorMessage,
                responseMetadata,
                providerCost);
    }
}
