package dev.promptengine.client;

/** How much content the Kafka transport lets through; the same modes as ingest-service's. */
public enum CaptureMode {
    /** Content verbatim (the dropped keys are still removed). */
    FULL,
    /** Detected secrets and personal data replaced by {@code [REDACTED:<rule>]} (the default). */
    REDACTED,
    /** No content: rendered text, parameters, message contents and the response are dropped. */
    METADATA_ONLY
}
