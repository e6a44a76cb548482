/** The whole pipeline from Kafka to visible rollups: sustained rate, freshness, and memory per service. */
package dev.promptengine.bench.endtoend;
