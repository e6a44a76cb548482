package dev.promptengine.ingest.privacy;

/** How much content an event keeps. */
public enum CaptureMode {
    /** Content verbatim (only the always-dropped parameter keys are removed). */
    FULL,
    /** Content with every detected secret or personal datum replaced by {@code [REDACTED:<rule>]}. */
    REDACTED,
    /** No content at all: parameters, rendered text, message contents and the response are dropped. */
    METADATA_ONLY
}
