/** The local stack's Kafka broker: KRaft, SASL/SCRAM and the pipeline's ACLs, started by {@code bin/promptengine}. */
package dev.promptengine.deploy.kafka;
