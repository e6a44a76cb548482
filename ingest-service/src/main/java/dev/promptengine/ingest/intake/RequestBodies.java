package dev.promptengine.ingest.intake;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body as a JSON tree within the size limit: 413 before reading when the declared
 * length is too large, and while reading when a chunked body grows past it. Duplicate keys and
 * trailing content are malformed JSON.
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
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        byte[] body;
        try {
            body = readAtMost(request.getInputStream(), declared);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the request body", e);
        }
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
