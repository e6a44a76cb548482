/**
 * PII protection before anything leaves the service: built-in detectors (e-mail, phone, payment
 * card with Luhn check, IBAN with mod-97 check, common secret formats), custom regex rules,
 * parameter keys that are always dropped, and the capture mode chosen per tenant and environment.
 * An event records which rules fired and how often, never the values.
 */
package dev.promptengine.ingest.privacy;
