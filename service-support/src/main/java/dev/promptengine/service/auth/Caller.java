package dev.promptengine.service.auth;

/**
 * Who made the request, from the API key: the tenant every read and write is confined to, and the
 * role. Declare it as a controller method parameter to receive it.
 */
public record Caller(String keyName, String tenant, Role role) {}
