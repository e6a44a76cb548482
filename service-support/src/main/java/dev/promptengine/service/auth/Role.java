package dev.promptengine.service.auth;

/**
 * What a key may do: publish events, read analytics, or administer its tenant (pricing, keys, audit,
 * dead letters). Each of these is confined to the key's tenant. {@code PLATFORM_ADMIN} is the
 * operator of the installation: it alone sees and acts across tenants (for example every tenant's
 * dead letters, including records of no known tenant). An endpoint lists the roles it admits;
 * no role implies another.
 */
public enum Role {
    PUBLISHER,
    ANALYST,
    ADMIN,
    PLATFORM_ADMIN
}
