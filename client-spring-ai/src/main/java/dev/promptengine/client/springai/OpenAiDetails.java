package dev.promptengine.client.springai;

import com.openai.errors.OpenAIServiceException;
import com.openai.models.completions.CompletionUsage;

/**
 * What only OpenAI's SDK types tell (spring-ai-openai puts its {@link CompletionUsage} in
 * {@code Usage.getNativeUsage()}): the counts of this one request, reasoning tokens, and the HTTP
 * status of an error. Loaded only when the SDK is on the class path ({@link ChatModelRecorder}).
 */
final class OpenAiDetails {

    /** Tokens of one request, as OpenAI counted them (cached within input, reasoning within output). */
    record Tokens(long input, long output, long cachedInput, long cacheWrite, long reasoning) {}

    static Tokens tokens(Object nativeUsage) {
        if (!(nativeUsage instanceof CompletionUsage usage)) {
            return null;
        }
        var prompt = usage.promptTokensDetails();
        var completion = usage.completionTokensDetails();
        return new Tokens(
                usage.promptTokens(),
                usage.completionTokens(),
                prompt.flatMap(CompletionUsage.PromptTokensDetails::cachedTokens)
                        .orElse(0L),
                prompt.flatMap(CompletionUsage.PromptTokensDetails::cacheWriteTokens)
                        .orElse(0L),
                completion
                        .flatMap(CompletionUsage.CompletionTokensDetails::reasoningTokens)
                        .orElse(0L));
    }

    /** The HTTP status of an OpenAI error response in {@code error} or its causes, or 0. */
    static int statusCode(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof OpenAIServiceException service) {
                return service.statusCode();
            }
        }
        return 0;
    }

    private OpenAiDetails() {}
}
