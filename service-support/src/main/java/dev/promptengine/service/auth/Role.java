package dev.promptengine.service.auth;

/** What a key may do: publish events, read analytics, or administer pricing, keys and audit. */
public enum Role {
    PUBLISHER,
    ANALYST,
    ADMIN
}
