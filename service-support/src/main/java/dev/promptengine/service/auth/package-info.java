/**
 * API keys for every service: each key has a tenant and a role, is configured as a SHA-256 hash, and
 * is checked on every {@code /v1/} request (401 unknown key, 403 wrong role, as problem details).
 * Controllers declare {@link dev.promptengine.service.auth.RequiresRole} and take a {@link
 * dev.promptengine.service.auth.Caller} parameter to learn the tenant.
 */
package dev.promptengine.service.auth;
