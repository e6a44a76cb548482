package dev.promptengine.analytics.deadletter;

import java.util.UUID;

/**
 * A consumed record that cannot be counted, with where it came from and why.
 *
 * @param tenant the event's tenant when the record decoded far enough to tell, else null
 * @param eventId the event's id, likewise
 * @param eventType {@code usage} or {@code execution}, likewise
 * @param kind a short, stable class of reason (for metrics and filters), e.g. {@code undecodable}
 * @param reason what exactly is wrong, for people
 */
public record DeadLetter(
        String group,
        String topic,
        int partition,
        long offset,
        String tenant,
        UUID eventId,
        String eventType,
        String kind,
        String reason,
        byte[] key,
        byte[] value) {

    /** The record's key as it was on the topic (keys are strings throughout the pipeline). */
    public String keyText() {
        return key == null ? null : new String(key, java.nio.charset.StandardCharsets.UTF_8);
    }

    public DeadLetter {
        // the reason may quote the record; PostgreSQL text cannot hold NUL
        reason = reason == null ? "(no reason given)" : reason.replace('\u0000', '\uFFFD');
        tenant = tenant == null ? null : tenant.replace('\u0000', '\uFFFD');
    }
}
