/**
 * Spring AI instrumentation for the PromptEngine client: a Boot auto-configuration that, given
 * {@code promptengine.client.url} and {@code api-key}, records a usage and an execution for every
 * chat model request from Spring AI's own observations ({@code ChatModelObservationContext}), with
 * the prompt identity of a {@code ChatClient} call taken from its advisor parameters
 * ({@link dev.promptengine.client.springai.PromptEngineChat}).
 */
package dev.promptengine.client.springai;
