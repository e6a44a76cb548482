/**
 * PII protection before anything leaves the service: built-in detectors (e-mail, phone, payment
 * card with Luhn check, IBAN with mod-97 check, common secret formats), custom regex rules,
 * parameter keys that are always dropped, and the capture mode chosen per tenant and environment.
 * An event records which rules fired and how often, never the values. The text rules live in
 * {@code schemas} ({@code dev.promptengine.schemas.privacy}), shared with the JVM client; this
 * package adds the configuration, the capture modes and the walk over JSON objects.
 */
package dev.promptengine.ingest.privacy;
