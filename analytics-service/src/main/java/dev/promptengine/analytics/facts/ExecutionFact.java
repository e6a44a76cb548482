package dev.promptengine.analytics.facts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A decoded, validated {@code CostedLlmExecution}; JSON fields are JSON text, enums lower-case. */
record ExecutionFact(
        FactKey key,
        UUID usageId,
        Instant receivedAt,
        String promptSlug,
        int promptVersion,
        String environment,
        String sessionId,
        String userIdentifier,
        String provider,
        String model,
        Double temperature,
        Integer maxTokens,
        long inputTokens,
        long outputTokens,
        long totalTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long executionTimeMs,
        int latencyBucket,
        String status,
        String errorType,
        String errorMessage,
        String responseMetadataJson,
        String captureMode,
        String redactionsJson,
        String pricingStatus,
        UUID priceId,
        String matchedRule,
        String currency,
        BigDecimal inputCost,
        BigDecimal cachedInputCost,
        BigDecimal cacheWriteCost,
        BigDecimal outputCost,
        BigDecimal reasoningCost,
        BigDecimal totalCost,
        boolean longContextApplied,
        Instant pricedAt,
        Integer priceVersion,
        String priceLayer,
        UUID discountId,
        BigDecimal discountPercent,
        String costSource,
        BigDecimal catalogCost,
        BigDecimal providerCost,
        int costRevision,
        String messagesJson,
        String responseContent,
        byte[] sealed) {

    boolean hasContent() {
        return messagesJson != null || responseContent != null || sealed != null;
    }

    boolean priced() {
        return "priced".equals(pricingStatus);
    }
}
