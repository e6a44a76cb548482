package dev.promptengine.ingest.intake;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body within the size limit: 413 before reading when the declared length is too
 * large, while reading when a chunked body grows past it, and while inflating a gzip body
 * ({@code Content-Encoding: gzip}, which OTLP exporters send) past it. As JSON, duplicate keys and
 * trailing content are malformed.
 */
@Component
class RequestBodies {

    // stricter than the application's mapper, which also writes responses
    private final JsonMapper parser = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final long maxBytes;

    RequestBodies(IngestProperties properties) {
        this.maxBytes = properties.maxBodySize().toBytes();
    }

    JsonNode read(HttpServletRequest request) {
        byte[] body = bytes(request);
        try {
            return parser.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedJsonException("The body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr() + ")"));
        }
    }

    /** The body's bytes, inflated when it is gzip-encoded. */
    byte[] bytes(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        boolean gzip = encoding != null && encoding.strip().equalsIgnoreCase("gzip");
        if (encoding != null && !gzip && !encoding.strip().equalsIgnoreCase("identity")) {
            throw new UnsupportedContentEncodingException(encoding);
        }
        try {
            byte[] body = readAtMost(request.getInputStream(), declared);
            return gzip ? inflated(body) : body;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the request body", e);
        }
    }

    private byte[] inflated(byte[] compressed) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return readAtMost(in, -1);
        } catch (ZipException | EOFException e) {
            throw new MalformedJsonException("The body is not valid gzip: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot inflate the request body", e);
        }
    }

    private byte[] readAtMost(InputStream in, long declared) throws IOException {
        if (declared >= 0) {
            // the container ends the stream at Content-Length: read it straight into one array
            byte[] body = new byte[(int) declared];
            int read = in.readNBytes(body, 0, body.length);
            return read == body.length ? body : Arrays.copyOf(body, read);
        }
        var out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) != -1) {
            total += read;
            if (total > maxBytes) {
                throw tooLarge();
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private RequestTooLargeException tooLarge() {
        return new RequestTooLargeException("The body is larger than " + maxBytes + " bytes", 1);
    }
}
