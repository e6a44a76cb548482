package dev.promptengine.client;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A prompt was rendered. Fields mirror ingest-service's usage JSON; {@code id} and
 * {@code occurredAt} are assigned by {@link PromptEngine#recordRender} unless the builder set them.
 */
public record Usage(
        UUID id,
        Instant occurredAt,
        String promptId,
        String promptSlug,
        int promptVersion,
        String environment,
        String sessionId,
        String userIdentifier,
        Map<String, ?> parameters,
        String renderedContent,
        String renderedSystemMessage,
        Map<String, ?> metadata)
        implements Event {

    @Override
    public UUID key() {
        return id;
    }

    public static Builder builder(String promptSlug, int promptVersion) {
        return new Builder(promptSlug, promptVersion);
    }

    /** Collects the fields of a usage; not thread-safe, use one per render. */
    public static final class Builder {
        private UUID id;
        private Instant occurredAt;
        private String promptId;
        private final String promptSlug;
        private final int promptVersion;
        private String environment;
        private String sessionId;
        private String userIdentifier;
        private Map<String, ?> parameters;
        private String renderedContent;
        private String renderedSystemMessage;
        private Map<String, ?> metadata;

        private Builder(String promptSlug, int promptVersion) {
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

        public Builder promptId(String promptId) {
            this.promptId = promptId;
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

        public Builder parameters(Map<String, ?> parameters) {
            this.parameters = parameters;
            return this;
        }

        public Builder renderedContent(String renderedContent) {
            this.renderedContent = renderedContent;
            return this;
        }

        public Builder renderedSystemMessage(String renderedSystemMessage) {
            this.renderedSystemMessage = renderedSystemMessage;
            return this;
        }

        public Builder metadata(Map<String, ?> metadata) {
            this.metadata = metadata;
            return this;
        }

        Usage build(UUID assignedId, Instant now) {
            return new Usage(
                    id != null ? id : assignedId,
                    occurredAt != null ? occurredAt : now,
                    promptId,
                    promptSlug,
                    promptVersion,
                    environment,
                    sessionId,
                    userIdentifier,
                    Json.copy(parameters),
                    renderedContent,
                    renderedSystemMessage,
                    Json.copy(metadata));
        }
    }
}
