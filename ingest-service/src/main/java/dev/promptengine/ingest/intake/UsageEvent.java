package dev.promptengine.ingest.intake;

import java.time.Instant;
import java.util.UUID;

/** A validated usage as the client sent it (before privacy rules). */
record UsageEvent(
        UUID id,
        Instant occurredAt,
        String promptId,
        String promptSlug,
        int promptVersion,
        String environment,
        String sessionId,
        String userIdentifier,
        JsonObject parameters,
        String renderedContent,
        String renderedSystemMessage,
        JsonObject metadata) {}
