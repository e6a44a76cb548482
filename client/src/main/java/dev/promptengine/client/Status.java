package dev.promptengine.client;

/** How an LLM call ended. */
public enum Status {
    SUCCESS,
    ERROR,
    TIMEOUT
}
