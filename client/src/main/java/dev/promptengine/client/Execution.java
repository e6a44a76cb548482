package dev.promptengine.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An LLM call finished. Fields mirror ingest-service's execution JSON; the prompt identity,
 * environment, session and user are copied from the usage ({@link #builder(Usage)}), so
 * aggregates need no join. {@code totalTokens} null means input + output.
 */
public record Execution(
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
        List<Message> messages,
        String responseContent,
        long inputTokens,
        long outputTokens,
        Long totalTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long executionTimeMs,
        Status status,
        String errorMessage,
        Map<String, ?> responseMetadata,
        BigDecimal providerCostUsd)
        implements Event {

    @Override
    public UUID key() {
        return usageId;
    }

    /** An execution of the prompt {@code usage} rendered. */
    public static Builder builder(Usage usage) {
        return new Builder(usage.id(), usage.promptSlug(), usage.promptVersion())
                .environment(usage.environment())
                .sessionId(usage.sessionId())
                .userIdentifier(usage.userIdentifier());
    }

    /** An execution of a usage recorded elsewhere. */
    public static Builder builder(UUID usageId, String promptSlug, int promptVersion) {
        return new Builder(usageId, promptSlug, promptVersion);
    }

    /** Collects the fields of an execution; not thread-safe, use one per call. */
    public static final class Builder {
        private UUID id;
        private final UUID usageId;
        private Instant occurredAt;
        private final String promptSlug;
        private final int promptVersion;
        private String environment;
        private String sessionId;
        private String userIdentifier;
        private String provider;
        private String model;
        private Double temperature;
        private Integer maxTokens;
        private List<Message> messages = List.of();
        private String responseContent;
        private long inputTokens;
        private long outputTokens;
        private Long totalTokens;
        private long cachedInputTokens;
        private long cacheWriteTokens;
        private long reasoningTokens;
        private long executionTimeMs;
        private Status status = Status.SUCCESS;
        private String errorMessage;
        private Map<String, ?> responseMetadata;
        private BigDecimal providerCostUsd;

        private Builder(UUID usageId, String promptSlug, int promptVersion) {
            this.usageId = usageId;
            this.promptSlug = promptSlug;
            this.promptVersion = promptVersion;
        }

        /** Only to resend an event recorded elsewhere; normally the client assigns the id. */
        public Builder id(UUID id) {
            this.id = id;
            return this;
        }

        /** Only together with {@link #id}: a resent event keeps its original time. */
        public Builder occurredAt(Instant occurredAt) {
            this.occurredAt = occurredAt;
            return this;
        }

        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder userIdentifier(String userIdentifier) {
            this.userIdentifier = userIdentifier;
            return this;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder messages(List<Message> messages) {
            this.messages = messages == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(messages));
            return this;
        }

        public Builder responseContent(String responseContent) {
            this.responseContent = responseContent;
            return this;
        }

        public Builder tokens(long inputTokens, long outputTokens) {
            this.inputTokens = inputTokens;
            this.outputTokens = outputTokens;
            return this;
        }

        public Builder totalTokens(Long totalTokens) {
            this.totalTokens = totalTokens;
            return this;
        }

        /** Part of the input tokens read from the provider's prompt cache. */
        public Builder cachedInputTokens(long cachedInputTokens) {
            this.cachedInputTokens = cachedInputTokens;
            return this;
        }

        /** Part of the input tokens written to the provider's prompt cache. */
        public Builder cacheWriteTokens(long cacheWriteTokens) {
            this.cacheWriteTokens = cacheWriteTokens;
            return this;
        }

        /** Part of the output tokens spent on reasoning. */
        public Builder reasoningTokens(long reasoningTokens) {
            this.reasoningTokens = reasoningTokens;
            return this;
        }

        public Builder executionTimeMs(long executionTimeMs) {
            this.executionTimeMs = executionTimeMs;
            return this;
        }

        public Builder status(Status status) {
            this.status = status;
            return this;
        }

        public Builder errorMessage(String errorMessage) {
            this.errorMessage = errorMessage;
            return this;
        }

        public Builder responseMetadata(Map<String, ?> responseMetadata) {
            this.responseMetadata = responseMetadata;
            return this;
        }

        /**
         * The cost the provider reported for this call, in USD (for example OpenRouter's {@code usage.cost});
         * by default it prices the execution, the catalog's cost kept beside it.
         */
        public Builder providerCostUsd(BigDecimal providerCostUsd) {
            this.providerCostUsd = providerCostUsd;
            return this;
        }

        Execution build(UUID assignedId, Instant now) {
            return new Execution(
                    id != null ? id : assignedId,
                    usageId,
                    occurredAt != null ? occurredAt : now,
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
                    Json.copy(responseMetadata),
                    providerCostUsd);
        }
    }
}
