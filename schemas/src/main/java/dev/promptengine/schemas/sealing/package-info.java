/**
 * Envelope encryption of event content: AES-256-GCM under a per-tenant data key ({@link
 * dev.promptengine.schemas.sealing.ContentSealer}), the data key wrapped by the tenant's
 * key-encryption key from a {@link dev.promptengine.schemas.sealing.KeyProvider}, opened again by
 * {@link dev.promptengine.schemas.sealing.ContentOpener}. Plain JDK {@code javax.crypto}: AES-GCM
 * is all it needs, so no crypto library is added (docs/privacy.md).
 */
package dev.promptengine.schemas.sealing;
