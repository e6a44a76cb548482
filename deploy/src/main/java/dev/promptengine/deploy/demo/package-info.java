/**
 * {@code bin/promptengine demo}: realistic prompt traffic (several prompts and versions, models of
 * five providers, errors and timeouts, event times spread over the last days) published to
 * ingest-service over its HTTP contract, then what analytics-service counts. Non-2xx answers are
 * reported, never hidden.
 */
package dev.promptengine.deploy.demo;
