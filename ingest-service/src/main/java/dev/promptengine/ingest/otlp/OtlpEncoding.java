package dev.promptengine.ingest.otlp;

import java.util.Locale;

/** OTLP/HTTP's two encodings; the answer goes back in the request's. */
public enum OtlpEncoding {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private final String mediaType;

    OtlpEncoding(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The encoding a Content-Type names; protobuf when it names neither (the router already refused those). */
    public static OtlpEncoding of(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(JSON.mediaType) ? JSON : PROTOBUF;
    }
}
