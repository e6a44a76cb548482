package dev.promptengine.schemas.sealing;

import dev.promptengine.events.SealedContent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encrypts content under the tenant's current data key. A data key is created (random, 256 bits)
 * per tenant, process and rotation period: its version is the number of whole rotation periods
 * since the epoch, so every instance rotates at the same instants without coordination, and old
 * events keep their own key (it travels wrapped inside each event). A data key whose KEK was
 * destroyed is dropped within {@link #RECHECK} and a new one is made under the tenant's new KEK.
 */
public final class ContentSealer {

    /** How long a data key is used before the sealer checks again that its KEK still exists. */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private final KeyProvider keys;
    private final long rotationMillis;
    private final Clock clock;
    private final Map<String, DataKey> current = new ConcurrentHashMap<>();

    public ContentSealer(KeyProvider keys, Duration rotation, Clock clock) {
        if (rotation.toMillis() < 1000) {
            throw new IllegalArgumentException("rotation must be at least 1 s, not " + rotation);
        }
        this.keys = keys;
        this.rotationMillis = rotation.toMillis();
        this.clock = clock;
    }

    public SealedContent seal(String tenant, UUID eventId, byte[] plaintext) {
        DataKey key = dataKey(tenant);
        byte[] nonce = Gcm.randomBytes(Gcm.NONCE_BYTES);
        byte[] ciphertext = Gcm.encrypt(key.key(), nonce, plaintext, associatedData(tenant, eventId, key.id()));
        return SealedContent.newBuilder()
                .setKeyId(key.id())
                .setKeyVersion(key.version())
                .setKekVersion(key.kekVersion())
                .setWrappedKey(ByteBuffer.wrap(key.wrapped()))
                .setNonce(ByteBuffer.wrap(nonce))
                .setCiphertext(ByteBuffer.wrap(ciphertext))
                .build();
    }

    private DataKey dataKey(String tenant) {
        long now = clock.millis();
        int version = Math.toIntExact(now / rotationMillis);
        return current.compute(tenant, (t, key) -> {
            if (key == null || key.version() != version) {
                return create(t, version, now);
            }
            if (now - key.checkedAtMillis() >= RECHECK.toMillis()) {
                return keys.exists(t, key.kekVersion()) ? key.checkedAt(now) : create(t, version, now);
            }
            return key;
        });
    }

    private DataKey create(String tenant, int version, long now) {
        byte[] raw = Gcm.randomBytes(Gcm.KEY_BYTES);
        KeyProvider.Wrapped wrapped = keys.wrap(tenant, raw);
        return new DataKey(UUID.randomUUID(), version, wrapped.kekVersion(), raw, wrapped.bytes(), now);
    }

    /** Binds a ciphertext to its tenant, event and data key: moved to another event it does not open. */
    static byte[] associatedData(String tenant, UUID eventId, UUID keyId) {
        return (tenant + "\n" + eventId + "\n" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
