package dev.promptengine.analytics.facts;

import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;

/** Identity of a raw fact: the primary key of every raw table. */
record FactKey(String tenant, UUID id, Instant occurredAt) {

    static final Comparator<FactKey> ORDER =
            Comparator.comparing(FactKey::tenant).thenComparing(FactKey::id).thenComparing(FactKey::occurredAt);
}
