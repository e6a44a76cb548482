package dev.promptengine.ingest.intake;

/** A {@code Content-Encoding} other than gzip or identity: 415. */
class UnsupportedContentEncodingException extends RuntimeException {

    UnsupportedContentEncodingException(String encoding) {
        super("Content-Encoding '" + encoding + "' is not supported; send gzip or identity", null, false, false);
    }
}
