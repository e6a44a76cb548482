/**
 * The Kubernetes manifests' generated parts: the Strimzi {@code KafkaTopic}s from the schemas'
 * {@code Topics} and the {@code KafkaUser}s with the access module's {@code PipelineAcls}, so the
 * cluster's topics and ACLs cannot drift from the local stack's.
 */
package dev.promptengine.deploy.kubernetes;
