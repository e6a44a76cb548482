package dev.promptengine.ingest.otlp;

/** The body is not an {@code ExportTraceServiceRequest} in the declared encoding. */
public class MalformedOtlpException extends RuntimeException {

    MalformedOtlpException(String message) {
        super(message, null, false, false);
    }
}
