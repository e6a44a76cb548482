package dev.promptengine.client.langchain4j;

import dev.langchain4j.model.input.Prompt;
import dev.langchain4j.model.input.PromptTemplate;
import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.Usage;
import java.util.Map;

/**
 * Renders a LangChain4j {@link PromptTemplate} as a version of a prompt and records the render as a
 * usage (the variables as its parameters, the text as its rendered content); the calls made in
 * {@link Rendered#scope()} are executions of that usage:
 *
 * <pre>{@code
 * var rendered = PromptTemplates.render(client, template, Usage.builder("support-reply", 3).sessionId(id), variables);
 * try (var scope = rendered.scope()) {
 *     String answer = model.chat(rendered.text());
 * }
 * }</pre>
 */
public final class PromptTemplates {

    /** The rendered prompt and its recorded usage (null when the client could not record it). */
    public record Rendered(Prompt prompt, Usage usage) {

        public String text() {
            return prompt.text();
        }

        /** The chat calls in this scope, on this thread, are executions of {@link #usage()}. */
        public PromptEngineLangChain4j.Scope scope() {
            return PromptEngineLangChain4j.prompt(usage);
        }
    }

    /**
     * Applies {@code variables} to {@code template} and records the usage {@code usage} describes
     * (slug, version, environment, session, user; parameters and rendered content are set here).
     * A template error (a missing variable) is the host's and is thrown as LangChain4j throws it;
     * recording never throws.
     */
    public static Rendered render(
            PromptEngine client, PromptTemplate template, Usage.Builder usage, Map<String, Object> variables) {
        Prompt prompt = template.apply(variables);
        Usage recorded = client.recordRender(usage.parameters(variables).renderedContent(prompt.text()));
        return new Rendered(prompt, recorded);
    }

    private PromptTemplates() {}
}
