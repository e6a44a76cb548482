package dev.promptengine.service.auth;

/**
 * Who made the request, from the API key: the tenant every read and write is confined to, and the
 * role. Declare it as a controller method parameter to receive it.
 *
 * @param keyId the managed key's id, or {@code config:<name>} for a key from configuration
 */
public record Caller(String keyName, String tenant, Role role, String keyId) {

    /** A key from configuration ({@code promptengine.auth.keys}). */
    public Caller(String keyName, String tenant, Role role) {
        this(keyName, tenant, role, CONFIGURED_PREFIX + keyName);
    }

    public static final String CONFIGURED_PREFIX = "config:";
}
