package dev.promptengine.client.springai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatModelRecorderTests {

    @ParameterizedTest
    @CsvSource({
        "openai, openai",
        "anthropic, anthropic",
        "azure-openai, azure",
        "azure_openai, azure",
        "vertex_ai, google",
        "vertex-ai, google",
        "google_genai, google",
        "google-genai, google",
        "bedrock_converse, bedrock",
        "bedrock-converse, bedrock",
        "mistral_ai, mistral",
        "mistral-ai, mistral",
        "ollama, ollama",
        "DeepSeek, deepseek"
    })
    void namesSpringAiProvidersAsThePipelineDoes(String aiProvider, String provider) {
        assertThat(ChatModelRecorder.provider(aiProvider)).isEqualTo(provider);
    }

    @Test
    void aMissingProviderIsUnknown() {
        assertThat(ChatModelRecorder.provider(null)).isEqualTo("unknown");
        assertThat(ChatModelRecorder.provider(" ")).isEqualTo("unknown");
    }

    @Test
    void errorMessagesNameTheClassAndTheRootCause() {
        assertThat(ChatModelRecorder.errorMessage(new IllegalStateException("provider down")))
                .isEqualTo("IllegalStateException: provider down");
        assertThat(ChatModelRecorder.errorMessage(new RuntimeException("Request failed", new IOException("reset"))))
                .isEqualTo("RuntimeException: Request failed (IOException: reset)");
        var timeout = new InterruptedIOException("timeout");
        timeout.initCause(new IOException("Canceled"));
        assertThat(ChatModelRecorder.errorMessage(new RuntimeException("Request failed", timeout)))
                .isEqualTo("RuntimeException: Request failed (InterruptedIOException: timeout)");
        assertThat(ChatModelRecorder.errorMessage(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(ChatModelRecorder.errorMessage(new RuntimeException("x".repeat(10_000))))
                .hasSize(4000);
    }

    @Test
    void timeoutsAreRecognisedAnywhereInTheCauses() {
        assertThat(ChatModelRecorder.isTimeout(new RuntimeException(new SocketTimeoutException("Read timed out"))))
                .isTrue();
        assertThat(ChatModelRecorder.isTimeout(new RuntimeException(new InterruptedIOException("timeout"))))
                .isTrue();
        assertThat(ChatModelRecorder.isTimeout(new TimeoutException())).isTrue();
        assertThat(ChatModelRecorder.isTimeout(new RuntimeException(new InterruptedIOException("interrupted"))))
                .isFalse();
        assertThat(ChatModelRecorder.isTimeout(new IllegalStateException("429")))
                .isFalse();
    }

    @Test
    void theCallScopeReadsTheAdvisorParameters() {
        var scope = CallScope.from(Map.of(
                PromptEngineChat.PROMPT_SLUG,
                "support-reply",
                PromptEngineChat.PROMPT_VERSION,
                "3",
                PromptEngineChat.SESSION_ID,
                "s-1",
                "chat_memory_conversation_id",
                "other"));

        assertThat(scope.promptSlug).isEqualTo("support-reply");
        assertThat(scope.promptVersion).isEqualTo(3);
        assertThat(scope.sessionId).isEqualTo("s-1");
        assertThat(scope.userIdentifier).isNull();
        assertThat(CallScope.from(Map.of()).promptSlug).isNull();
        assertThat(CallScope.from(Map.of(PromptEngineChat.PROMPT_VERSION, "three")).promptVersion)
                .isZero();
    }
}
