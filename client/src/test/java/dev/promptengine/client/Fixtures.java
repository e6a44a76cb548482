package dev.promptengine.client;

import java.time.Instant;
import java.util.UUID;

/** Events for the unit tests. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    static Usage usage() {
        return Usage.builder("support-reply", 3).environment("staging").build(UUID.randomUUID(), NOW);
    }

    static Execution execution(Usage usage) {
        return Execution.builder(usage)
                .provider("openai")
                .model("gpt-4o")
                .tokens(10, 5)
                .build(UUID.randomUUID(), NOW);
    }

    private Fixtures() {}
}
