/** The seed's synchronous per-call logging into PostgreSQL: the baseline the event pipeline replaces. */
package dev.promptengine.bench.baseline;
