/**
 * The benchmark suite: one entry point ({@link dev.promptengine.bench.Bench}), named scenarios
 * with warm-up and repeated runs, statistics, targets and the JSON/Markdown report. Scenarios live
 * in one package per thing measured; each measures its baseline in the same run.
 */
package dev.promptengine.bench;
