package dev.promptengine.schemas.sealing;

import java.util.UUID;

/** A tenant's data key in memory: the raw key and how it travels (wrapped by KEK {@code kekVersion}). */
record DataKey(UUID id, int version, int kekVersion, byte[] key, byte[] wrapped, long checkedAtMillis) {

    DataKey checkedAt(long millis) {
        return new DataKey(id, version, kekVersion, key, wrapped, millis);
    }
}
