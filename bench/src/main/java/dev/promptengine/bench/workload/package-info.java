/**
 * The event mix (sizes, prompts, models, statuses) and Kafka client settings shared by every
 * scenario, so that subject and baseline always move the same bytes.
 */
package dev.promptengine.bench.workload;
