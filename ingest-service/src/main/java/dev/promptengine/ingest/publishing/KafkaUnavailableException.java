package dev.promptengine.ingest.publishing;

/** Kafka did not acknowledge every event of a request in time; the client should retry later. */
public class KafkaUnavailableException extends RuntimeException {

    private final int events;

    KafkaUnavailableException(String message, Throwable cause, int events) {
        super(message, cause);
        this.events = events;
    }

    /** How many events the refused request carried. */
    public int events() {
        return events;
    }
}
