package dev.promptengine.ingest.intake;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

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
        ObjectNode parameters,
        String renderedContent,
        String renderedSystemMessage,
        ObjectNode metadata) {}
