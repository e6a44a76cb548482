package dev.promptengine.client.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import dev.promptengine.client.Execution;
import dev.promptengine.client.Message;
import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.Status;
import dev.promptengine.client.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener's callbacks as LangChain4j calls them, against a client whose sender reaches nothing. */
class PromptEngineChatModelListenerTests {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    // nothing listens on port 9 of the loopback: events stay pending in the client's queue
    private final PromptEngine client = PromptEngine.http("http://127.0.0.1:9", "pe_test")
            .backoff(Duration.ofSeconds(30), Duration.ofSeconds(30))
            .build();

    @AfterEach
    void closeClient() {
        client.close(Duration.ofMillis(10));
    }

    @Test
    void recordsTheExecutionWithTokensCachedReasoningLatencyAndTheResponseModel() {
        var listener = listener().defaultPrompt("support-reply", 3).build();
        Map<Object, Object> attributes = new ConcurrentHashMap<>();

        // Given a request recorded as a usage of the default prompt
        var inFlight = listener.start(request(), attributes);
        // When the response arrives 930 ms later
        nanos.addAndGet(930_000_000L);
        Execution execution = listener.succeeded(new ChatModelResponseContext(
                response("Dear Ada, ...", 120, 40, 64, 16), request(), ModelProvider.OPEN_AI, attributes));

        // Then the execution belongs to that usage and carries every field
        Usage usage = inFlight.usage();
        assertThat(usage.promptSlug()).isEqualTo("support-reply");
        assertThat(usage.promptVersion()).isEqualTo(3);
        assertThat(usage.environment()).isEqualTo("staging");
        assertThat(usage.renderedContent()).isEqualTo("Where is order 42?");
        assertThat(usage.renderedSystemMessage()).isEqualTo("Be kind.");
        assertThat(execution.usageId()).isEqualTo(usage.id());
        assertThat(execution.promptSlug()).isEqualTo("support-reply");
        assertThat(execution.environment()).isEqualTo("staging");
        assertThat(execution.provider()).isEqualTo("openai");
        assertThat(execution.model()).isEqualTo("gpt-4o");
        assertThat(execution.temperature()).isEqualTo(0.2);
        assertThat(execution.maxTokens()).isEqualTo(256);
        assertThat(execution.messages())
                .containsExactly(Message.system("Be kind."), Message.user("Where is order 42?"));
        assertThat(execution.responseContent()).isEqualTo("Dear Ada, ...");
        assertThat(execution.inputTokens()).isEqualTo(120);
        assertThat(execution.outputTokens()).isEqualTo(40);
        assertThat(execution.totalTokens()).isEqualTo(160);
        assertThat(execution.cachedInputTokens()).isEqualTo(64);
        assertThat(execution.reasoningTokens()).isEqualTo(16);
        assertThat(execution.executionTimeMs()).isEqualTo(930);
        assertThat(execution.status()).isEqualTo(Status.SUCCESS);
        assertThat(execution.errorMessage()).isNull();
        assertThat((Map<String, Object>) execution.responseMetadata())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "response_model", "gpt-4o-2024-08-06", "response_id", "chatcmpl-1", "finish_reason", "stop"));
        assertThat(client.pending()).isEqualTo(2);
        assertThat(listener.failures()).isZero();
    }

    @Test
    void takesMaxCompletionTokensWhenOnlyOpenAisParameterIsSet() {
        var listener = listener().defaultPrompt("support-reply", 3).build();
        Map<Object, Object> attributes = new ConcurrentHashMap<>();
        var request = ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .parameters(OpenAiChatRequestParameters.builder()
                        .modelName("o3-mini")
                        .maxCompletionTokens(512)
                        .build())
                .build();

        listener.start(request, attributes);
        Execution execution = listener.succeeded(new ChatModelResponseContext(
                response("hello", 5, 2, 0, 0), request, ModelProvider.OPEN_AI, attributes));

        assertThat(execution.model()).isEqualTo("o3-mini");
        assertThat(execution.maxTokens()).isEqualTo(512);
    }

    @Test
    void aScopeChoosesThePromptOfTheCallsOnItsThreadAndNestedScopesRestoreTheOuterOne() {
        var listener = listener().defaultPrompt("assistant", 1).build();

        try (var outer = PromptEngineLangChain4j.prompt("support-reply", 3)) {
            try (var inner = PromptEngineLangChain4j.prompt("summary", 7)) {
                assertThat(recordedUsage(listener).promptSlug()).isEqualTo("summary");
            }
            Usage usage = recordedUsage(listener);
            assertThat(usage.promptSlug()).isEqualTo("support-reply");
            assertThat(usage.promptVersion()).isEqualTo(3);
        }
        Usage outside = recordedUsage(listener);
        assertThat(outside.promptSlug()).isEqualTo("assistant");
        assertThat(outside.promptVersion()).isEqualTo(1);
    }

    @Test
    void aScopeWithTheHostsOwnUsageRecordsOnlyExecutionsOfIt() {
        var listener = listener().build();
        Usage usage = client.recordRender(
                Usage.builder("support-reply", 3).sessionId("s-1").userIdentifier("ada"));
        Map<Object, Object> attributes = new ConcurrentHashMap<>();

        try (var prompt = PromptEngineLangChain4j.prompt(usage)) {
            listener.start(request(), attributes);
        }
        Execution execution = listener.succeeded(
                new ChatModelResponseContext(response("ok", 1, 1, 0, 0), request(), ModelProvider.OPEN_AI, attributes));

        assertThat(execution.usageId()).isEqualTo(usage.id());
        assertThat(execution.sessionId()).isEqualTo("s-1");
        assertThat(execution.userIdentifier()).isEqualTo("ada");
        assertThat(client.pending()).isEqualTo(2); // the host's usage and this execution, no second usage
    }

    @Test
    void anErrorIsRecordedWithItsClassAndHttpStatusAndATimeoutAsTimeout() {
        var listener = listener().defaultPrompt("support-reply", 3).build();
        Map<Object, Object> rateLimited = new ConcurrentHashMap<>();
        Map<Object, Object> timedOut = new ConcurrentHashMap<>();
        listener.start(request(), rateLimited);
        listener.start(request(), timedOut);
        nanos.addAndGet(50_000_000L);

        Execution error = listener.failed(new ChatModelErrorContext(
                new RateLimitException(new HttpException(429, "Rate limit reached for requests")),
                request(),
                ModelProvider.OPEN_AI,
                rateLimited));
        Execution timeout = listener.failed(new ChatModelErrorContext(
                new TimeoutException("request timed out"), request(), ModelProvider.OPEN_AI, timedOut));

        assertThat(error.status()).isEqualTo(Status.ERROR);
        assertThat(error.errorMessage()).isEqualTo("RateLimitException: HTTP 429: Rate limit reached for requests");
        assertThat(error.executionTimeMs()).isEqualTo(50);
        assertThat(error.model()).isEqualTo("gpt-4o");
        assertThat(error.inputTokens()).isZero();
        assertThat(timeout.status()).isEqualTo(Status.TIMEOUT);
        assertThat(timeout.errorMessage()).isEqualTo("TimeoutException: request timed out");
    }

    @Test
    void callsWithoutAScopeOrADefaultPromptAreCountedNotRecorded() {
        var listener = listener().build();
        var attributes = new ConcurrentHashMap<Object, Object>();

        listener.onRequest(new ChatModelRequestContext(request(), ModelProvider.OPEN_AI, attributes));
        listener.onResponse(
                new ChatModelResponseContext(response("ok", 1, 1, 0, 0), request(), ModelProvider.OPEN_AI, attributes));

        assertThat(listener.unattributed()).isEqualTo(1);
        assertThat(listener.failures()).isZero();
        assertThat(client.pending()).isZero();
    }

    @Test
    void neverThrowsIntoTheCallerAndCountsWhatWentWrong() {
        var listener = listener().defaultPrompt("support-reply", 3).build();
        var request = ChatRequest.builder()
                .modelName("gpt-4o")
                .messages(UserMessage.from("hi"), new BrokenMessage())
                .build();
        var attributes = new ConcurrentHashMap<Object, Object>();

        assertThatCode(() -> {
                    // a response whose request this listener never saw
                    listener.onResponse(new ChatModelResponseContext(
                            response("ok", 1, 1, 0, 0), request, ModelProvider.OPEN_AI, new ConcurrentHashMap<>()));
                    // a message that cannot be read
                    listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OPEN_AI, attributes));
                    listener.onResponse(new ChatModelResponseContext(
                            response("ok", 1, 1, 0, 0), request, ModelProvider.OPEN_AI, attributes));
                })
                .doesNotThrowAnyException();

        assertThat(listener.failures()).isEqualTo(2);
    }

    @Test
    void aClosedClientCountsTheCallsAsDroppedWithoutThrowing() {
        var listener = listener().defaultPrompt("support-reply", 3).build();
        client.close(Duration.ofMillis(10));
        var attributes = new ConcurrentHashMap<Object, Object>();

        assertThatCode(() -> {
                    listener.onRequest(new ChatModelRequestContext(request(), ModelProvider.OPEN_AI, attributes));
                    listener.onResponse(new ChatModelResponseContext(
                            response("ok", 1, 1, 0, 0), request(), ModelProvider.OPEN_AI, attributes));
                })
                .doesNotThrowAnyException();

        assertThat(client.dropped()).isEqualTo(2);
        assertThat(listener.failures()).isZero();
    }

    @Test
    void refusesAMisconfigurationWhenBuilt() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromptEngineChatModelListener.builder(null).build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> listener().defaultPrompt(" ", 1).build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> listener().defaultPrompt("support-reply", 0).build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> listener().provider("").build());
    }

    @Test
    void aProviderSetOnTheBuilderReplacesTheModelsOwn() {
        var listener = listener()
                .defaultPrompt("support-reply", 3)
                .provider("deepseek")
                .build();
        Map<Object, Object> attributes = new ConcurrentHashMap<>();

        listener.start(request(), attributes);
        Execution execution = listener.succeeded(
                new ChatModelResponseContext(response("ok", 1, 1, 0, 0), request(), ModelProvider.OPEN_AI, attributes));

        assertThat(execution.provider()).isEqualTo("deepseek");
    }

    private PromptEngineChatModelListener.Builder listener() {
        return PromptEngineChatModelListener.builder(client)
                .environment("staging")
                .nanoTime(nanos::get);
    }

    private static Usage recordedUsage(PromptEngineChatModelListener listener) {
        return listener.start(request(), new ConcurrentHashMap<>()).usage();
    }

    private static ChatRequest request() {
        return ChatRequest.builder()
                .modelName("gpt-4o")
                .temperature(0.2)
                .maxOutputTokens(256)
                .messages(List.of(SystemMessage.from("Be kind."), UserMessage.from("Where is order 42?")))
                .build();
    }

    private static ChatResponse response(String text, int input, int output, int cached, int reasoning) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(text))
                .id("chatcmpl-1")
                .modelName("gpt-4o-2024-08-06")
                .finishReason(FinishReason.STOP)
                .tokenUsage(OpenAiTokenUsage.builder()
                        .inputTokenCount(input)
                        .outputTokenCount(output)
                        .totalTokenCount(input + output)
                        .inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder()
                                .cachedTokens(cached)
                                .build())
                        .outputTokensDetails(OpenAiTokenUsage.OutputTokensDetails.builder()
                                .reasoningTokens(reasoning)
                                .build())
                        .build())
                .build();
    }

    /** A message type the listener does not know, which fails when asked what it is. */
    private static final class BrokenMessage implements ChatMessage {
        @Override
        public ChatMessageType type() {
            throw new IllegalStateException("broken");
        }
    }
}
