package dev.promptengine.ingest.intake;

/** The body or the batch is above its configured limit: 413. */
class RequestTooLargeException extends RuntimeException {

    private final int events;

    RequestTooLargeException(String message, int events) {
        super(message, null, false, false);
        this.events = events;
    }

    int events() {
        return events;
    }
}
