/**
 * The redaction rules every producer of the pipeline applies alike (ingest-service, and the JVM
 * client on its direct Kafka path): the built-in detectors, custom regex rules and the parameter
 * keys that are always dropped, over plain text. Walking JSON and choosing the capture mode stay
 * with each producer. Plain JDK code, no dependencies.
 */
package dev.promptengine.schemas.privacy;
