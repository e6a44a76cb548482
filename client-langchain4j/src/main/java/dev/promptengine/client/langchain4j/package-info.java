/**
 * LangChain4j integration: {@link dev.promptengine.client.langchain4j.PromptEngineChatModelListener}
 * is a {@code ChatModelListener} that records a usage and an execution of every chat call, blocking
 * or streaming, through a {@link dev.promptengine.client.PromptEngine}; the prompt slug and version
 * come from a {@link dev.promptengine.client.langchain4j.PromptEngineLangChain4j#prompt scope} on
 * the calling thread or from the listener's default.
 */
package dev.promptengine.client.langchain4j;
