package dev.promptengine.ingest.intake;

/** The body is not JSON (or not gzip when it says so), or not the JSON shape the endpoint takes: 400. */
class MalformedJsonException extends RuntimeException {

    MalformedJsonException(String message) {
        super(message, null, false, false);
    }
}
