package dev.promptengine.client.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;

/**
 * What only LangChain4j's OpenAI module exposes: cached input and reasoning tokens, and
 * {@code max_completion_tokens}. The module is optional, so its classes are touched only by
 * {@link Reader}, and only when they are on the classpath.
 */
final class OpenAiDetails {

    private static final boolean PRESENT = present();

    /** Cached input tokens and reasoning tokens; zeros when unknown. */
    record Tokens(long cachedInput, long reasoning) {
        static final Tokens NONE = new Tokens(0, 0);
    }

    static Tokens tokens(TokenUsage usage) {
        return PRESENT ? Reader.tokens(usage) : Tokens.NONE;
    }

    static Integer maxCompletionTokens(ChatRequestParameters parameters) {
        return PRESENT ? Reader.maxCompletionTokens(parameters) : null;
    }

    private static boolean present() {
        try {
            Class.forName("dev.langchain4j.model.openai.OpenAiTokenUsage", false, OpenAiDetails.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static final class Reader {

        static Tokens tokens(TokenUsage usage) {
            if (!(usage instanceof OpenAiTokenUsage openAi)) {
                return Tokens.NONE;
            }
            var input = openAi.inputTokensDetails();
            var output = openAi.outputTokensDetails();
            return new Tokens(
                    input == null || input.cachedTokens() == null ? 0 : input.cachedTokens(),
                    output == null || output.reasoningTokens() == null ? 0 : output.reasoningTokens());
        }

        static Integer maxCompletionTokens(ChatRequestParameters parameters) {
            return parameters instanceof OpenAiChatRequestParameters openAi ? openAi.maxCompletionTokens() : null;
        }
    }

    private OpenAiDetails() {}
}
