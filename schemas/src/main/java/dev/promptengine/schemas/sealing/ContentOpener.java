package dev.promptengine.schemas.sealing;

import dev.promptengine.events.SealedContent;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;

/**
 * Decrypts sealed content. Unwrapped data keys are kept in memory by key id and checked against
 * the key provider every {@link ContentSealer#RECHECK}, so content of a shredded tenant stops
 * opening within that time in every process, and at once in the one that shredded ({@link #forget}).
 */
public final class ContentOpener {

    private record Entry(String tenant, int kekVersion, byte[] key, long checkedAtMillis) {}

    private final KeyProvider keys;
    private final Clock clock;
    private final Map<UUID, Entry> unwrapped = new ConcurrentHashMap<>();

    public ContentOpener(KeyProvider keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * @throws KeyUnavailableException when the tenant's key is destroyed or does not open the content
     *     (never answers garbage: AES-GCM authenticates every byte)
     */
    public byte[] open(String tenant, UUID eventId, SealedContent sealed) {
        byte[] key = dataKey(tenant, sealed);
        try {
            return Gcm.decrypt(
                    key,
                    bytes(sealed.getNonce()),
                    bytes(sealed.getCiphertext()),
                    ContentSealer.associatedData(tenant, eventId, sealed.getKeyId()));
        } catch (AEADBadTagException e) {
            throw new KeyUnavailableException(
                    KeyUnavailableException.WRONG_KEY,
                    "content of event " + eventId + " does not open under data key " + sealed.getKeyId()
                            + " (tampered, or sealed for another event or tenant)");
        }
    }

    /** Drops every cached data key of the tenant (after its keys were destroyed). */
    public void forget(String tenant) {
        unwrapped.values().removeIf(entry -> entry.tenant().equals(tenant));
    }

    private byte[] dataKey(String tenant, SealedContent sealed) {
        long now = clock.millis();
        Entry entry = unwrapped.get(sealed.getKeyId());
        if (entry != null && entry.tenant().equals(tenant) && entry.kekVersion() == sealed.getKekVersion()) {
            if (now - entry.checkedAtMillis() < ContentSealer.RECHECK.toMillis()) {
                return entry.key();
            }
            if (keys.exists(tenant, entry.kekVersion())) {
                unwrapped.put(sealed.getKeyId(), new Entry(tenant, entry.kekVersion(), entry.key(), now));
                return entry.key();
            }
            unwrapped.remove(sealed.getKeyId());
        }
        byte[] key = keys.unwrap(tenant, sealed.getKekVersion(), bytes(sealed.getWrappedKey()));
        unwrapped.put(sealed.getKeyId(), new Entry(tenant, sealed.getKekVersion(), key, now));
        return key;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
