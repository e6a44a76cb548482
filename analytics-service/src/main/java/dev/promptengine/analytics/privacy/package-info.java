/**
 * Privacy at rest: opens sealed content for the query API ({@link
 * dev.promptengine.analytics.privacy.ContentKeys}), crypto-shreds a tenant (destroys its
 * key-encryption keys) and erases one end user's raw facts ({@code /v1/admin/...}, audited).
 */
package dev.promptengine.analytics.privacy;
