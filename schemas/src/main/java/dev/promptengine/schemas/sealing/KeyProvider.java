package dev.promptengine.schemas.sealing;

/**
 * Holds the key-encryption keys (KEKs), one versioned key per tenant, and wraps data keys with
 * them. The data keys themselves never leave a process unwrapped. A KMS adapter implements this
 * with one KMS key per tenant (wrap = Encrypt, unwrap = Decrypt, destroy = schedule key deletion);
 * {@link LocalKeyDirectory} is the default.
 */
public interface KeyProvider {

    /** Wraps {@code dataKey} under the tenant's current KEK, creating the tenant's first KEK on first use. */
    Wrapped wrap(String tenant, byte[] dataKey);

    /**
     * Unwraps a data key.
     *
     * @throws KeyUnavailableException when that KEK version of the tenant does not exist (destroyed or
     *     never created) or the wrapped bytes do not open under it
     */
    byte[] unwrap(String tenant, int kekVersion, byte[] wrapped);

    /** Whether the tenant's KEK of that version still exists (a sealer stops using a data key once it is gone). */
    boolean exists(String tenant, int kekVersion);

    /** Adds a new KEK version for the tenant and makes it current; answers the new version. */
    int rotate(String tenant);

    /** Destroys every KEK version of the tenant (crypto-shredding); answers how many versions it destroyed. */
    int destroy(String tenant);

    /** A data key wrapped by KEK version {@code kekVersion}. */
    record Wrapped(int kekVersion, byte[] bytes) {}
}
