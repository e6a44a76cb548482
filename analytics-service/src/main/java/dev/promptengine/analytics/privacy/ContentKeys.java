package dev.promptengine.analytics.privacy;

import dev.promptengine.events.SealedContent;
import dev.promptengine.schemas.sealing.ContentOpener;
import dev.promptengine.schemas.sealing.KeyProvider;
import dev.promptengine.schemas.sealing.KeyUnavailableException;
import dev.promptengine.schemas.sealing.LocalKeyDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place analytics-service touches keys: opens stored sealed content (the Avro encoding of
 * {@link SealedContent}) into its JSON object, and destroys a tenant's keys.
 */
@Component
public class ContentKeys {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KeyProvider keys;
    private final ContentOpener opener;

    ContentKeys(EncryptionProperties properties, Clock clock) {
        this.keys = new LocalKeyDirectory(properties.keyDirectory());
        this.opener = new ContentOpener(keys, clock);
    }

    /** The stored form of sealed content. */
    public static byte[] stored(SealedContent sealed) {
        try {
            ByteBuffer buffer = sealed.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode sealed content", e);
        }
    }

    /**
     * The content object ({@code rendered_content}, {@code messages}, ...) of a stored sealed value.
     *
     * @throws KeyUnavailableException when the tenant's key is destroyed or does not open it
     */
    public JsonNode open(String tenant, UUID eventId, byte[] stored) {
        SealedContent sealed;
        try {
            sealed = SealedContent.fromByteBuffer(ByteBuffer.wrap(stored));
        } catch (IOException | RuntimeException e) {
            throw new KeyUnavailableException(
                    KeyUnavailableException.WRONG_KEY, "stored sealed content of " + eventId + " does not decode");
        }
        return JSON.readTree(opener.open(tenant, eventId, sealed));
    }

    /** The content object of an event's sealed field (the consumer, to classify an error message). */
    JsonNode open(String tenant, UUID eventId, SealedContent sealed) {
        return JSON.readTree(opener.open(tenant, eventId, sealed));
    }

    /** Destroys every key-encryption key of the tenant; answers how many versions were destroyed. */
    int shred(String tenant) {
        int destroyed = keys.destroy(tenant);
        opener.forget(tenant);
        return destroyed;
    }

    /** A new key-encryption key version for the tenant; new data keys are wrapped by it, old ones stay readable. */
    int rotate(String tenant) {
        return keys.rotate(tenant);
    }

    /** The error message inside sealed execution content, or null when there is none or it cannot be opened. */
    public String sealedErrorMessage(String tenant, UUID eventId, SealedContent sealed) {
        try {
            JsonNode message = open(tenant, eventId, sealed).get("error_message");
            return message == null || message.isNull() ? null : message.asString();
        } catch (KeyUnavailableException e) {
            return null;
        }
    }
}
