package dev.promptengine.client.langchain4j;

import dev.promptengine.client.Usage;

/**
 * Names the prompt that the chat calls of a block of code belong to. The scope is read by
 * {@link PromptEngineChatModelListener#onRequest}, which LangChain4j runs on the thread that calls
 * {@code chat(...)} (streaming too), so open it on that thread, around the call:
 *
 * <pre>{@code
 * try (var prompt = PromptEngineLangChain4j.prompt("support-reply", 3)) {
 *     String answer = model.chat(renderedText);
 * }
 * }</pre>
 *
 * Scopes nest: closing one restores the scope that was open before it. Outside any scope the
 * listener's default prompt applies.
 */
public final class PromptEngineLangChain4j {

    private static final ThreadLocal<Prompt> CURRENT = new ThreadLocal<>();

    /** Each chat call in the scope records a new usage of this prompt version, then its execution. */
    public static Scope prompt(String slug, int version) {
        return open(new Prompt(slug, version, null));
    }

    /**
     * The chat calls in the scope are executions of {@code usage}, which the host recorded itself
     * ({@code client.recordRender(...)}, with its session, user and parameters): no usage is recorded
     * for them. A null usage opens a scope that changes nothing.
     */
    public static Scope prompt(Usage usage) {
        return open(usage == null ? CURRENT.get() : new Prompt(usage.promptSlug(), usage.promptVersion(), usage));
    }

    /** The prompt of the innermost open scope on this thread, or null. */
    static Prompt current() {
        return CURRENT.get();
    }

    private static Scope open(Prompt prompt) {
        var scope = new Scope(CURRENT.get());
        CURRENT.set(prompt);
        return scope;
    }

    /** A prompt identity; {@code usage} is set when the host recorded the usage itself. */
    record Prompt(String slug, int version, Usage usage) {}

    /** Closing it restores the scope that was open when it was opened. */
    public static final class Scope implements AutoCloseable {

        private final Prompt previous;
        private boolean closed;

        private Scope(Prompt previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    private PromptEngineLangChain4j() {}
}
