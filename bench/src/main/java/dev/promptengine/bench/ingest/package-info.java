/** ingest-service over HTTP: batch throughput and fixed-rate single-event latency vs a plain producer. */
package dev.promptengine.bench.ingest;
