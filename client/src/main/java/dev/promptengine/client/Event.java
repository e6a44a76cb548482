package dev.promptengine.client;

import java.time.Instant;
import java.util.UUID;

/** A fact the client publishes: a {@link Usage} or an {@link Execution}. Its id and time are fixed at record time. */
public sealed interface Event permits Usage, Execution {

    UUID id();

    Instant occurredAt();

    /** The Kafka key: the usage id, so a usage and its executions share a partition. */
    UUID key();
}
