/** The service's own Kafka principal: its credentials, checked at start. */
package dev.promptengine.service.kafka;
