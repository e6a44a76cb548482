/** The JVM client's cost on the host application's calling thread, with the pipeline up and down. */
package dev.promptengine.bench.client;
