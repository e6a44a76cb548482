/**
 * Kafka access of the pipeline: the SASL/SCRAM settings of broker and clients ({@code KafkaSecurity}),
 * one principal per service ({@code KafkaUser}) and the ACLs that confine each to its own topics,
 * groups and transactional ids ({@code PipelineAcls}, applied by {@code KafkaAccess}).
 */
package dev.promptengine.access.kafka;
