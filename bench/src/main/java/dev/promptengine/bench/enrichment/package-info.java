/** cost-service enrichment throughput with transactions vs a plain consume→produce loop. */
package dev.promptengine.bench.enrichment;
