package dev.promptengine.analytics.facts;

import java.time.Instant;

/** A decoded, validated {@code PromptUsage}; JSON fields are JSON text; {@code sealed} is the stored sealed content, if any. */
record UsageFact(
        FactKey key,
        Instant receivedAt,
        String promptId,
        String promptSlug,
        int promptVersion,
        String environment,
        String sessionId,
        String userIdentifier,
        String parametersJson,
        String metadataJson,
        String captureMode,
        String redactionsJson,
        String renderedContent,
        String renderedSystemMessage,
        byte[] sealed) {

    boolean hasContent() {
        return renderedContent != null || renderedSystemMessage != null || sealed != null;
    }
}
