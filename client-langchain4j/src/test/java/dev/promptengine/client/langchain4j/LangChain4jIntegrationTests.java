package dev.promptengine.client.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.input.PromptTemplate;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.Usage;
import dev.promptengine.client.support.IngestServer;
import dev.promptengine.client.support.Topic;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.llmtest.OpenAiTestServer;
import dev.promptengine.llmtest.OpenAiTestServer.Reply;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * LangChain4j's real OpenAI models against the local OpenAI-compatible server, the listener
 * publishing through the real client over HTTP to a real ingest-service in this JVM, and the
 * events read back from the real broker.
 */
class LangChain4jIntegrationTests {

    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static OpenAiTestServer openAi;
    private static IngestServer ingest;
    private static PromptEngine client;
    private static PromptEngineChatModelListener listener;

    @BeforeAll
    static void start() {
        openAi = OpenAiTestServer.start();
        ingest = IngestServer.start(TestKafka.freePort());
        client = PromptEngine.http(ingest.baseUrl(), IngestServer.PUBLISHER_KEY)
                .linger(Duration.ofMillis(20))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        listener = PromptEngineChatModelListener.builder(client)
                .defaultPrompt("assistant", 1)
                .environment("staging")
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        ingest.close();
        openAi.close();
    }

    @Test
    void recordsABlockingCallWithItsTokensModelMessagesAndLatency() {
        String slug = uniqueSlug("blocking");
        openAi.enqueue(Reply.text("Dear Ada, your order has shipped.", 120, 40)
                .cached(64)
                .reasoning(16)
                .model("gpt-4o-2024-08-06")
                .after(Duration.ofMillis(150)));
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(openAi.baseUrl())
                .apiKey("sk-test")
                .modelName("gpt-4o")
                .temperature(0.2)
                .maxTokens(256)
                .listeners(List.of(listener))
                .build();

        // When the host calls the model inside a prompt scope
        ChatResponse response;
        try (var prompt = PromptEngineLangChain4j.prompt(slug, 3)) {
            response = model.chat(ChatRequest.builder()
                    .messages(SystemMessage.from("Be kind."), UserMessage.from("Where is order 42?"))
                    .build());
        }

        // Then the usage and its execution arrive on the topics with exactly what the call did
        assertThat(response.aiMessage().text()).isEqualTo("Dear Ada, your order has shipped.");
        LlmExecution execution = awaitExecution(slug);
        assertThat(execution.getPromptVersion()).isEqualTo(3);
        assertThat(execution.getTenant()).isEqualTo(IngestServer.TENANT);
        assertThat(execution.getEnvironment()).isEqualTo("staging");
        assertThat(execution.getProvider()).isEqualTo("openai");
        assertThat(execution.getModel()).isEqualTo("gpt-4o");
        assertThat(execution.getTemperature()).isEqualTo(0.2);
        assertThat(execution.getMaxTokens()).isEqualTo(256);
        assertThat(execution.getMessages())
                .extracting(Message::getRole, Message::getContent)
                .containsExactly(tuple("system", "Be kind."), tuple("user", "Where is order 42?"));
        assertThat(execution.getResponseContent()).isEqualTo("Dear Ada, your order has shipped.");
        assertThat(execution.getInputTokens()).isEqualTo(120);
        assertThat(execution.getOutputTokens()).isEqualTo(40);
        assertThat(execution.getTotalTokens()).isEqualTo(160);
        assertThat(execution.getCachedInputTokens()).isEqualTo(64);
        assertThat(execution.getReasoningTokens()).isEqualTo(16);
        assertThat(execution.getExecutionTimeMs()).isBetween(150L, 30_000L);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
        assertThat(execution.getErrorMessage()).isNull();
        JsonNode metadata = JSON.readTree(execution.getResponseMetadata());
        assertThat(metadata.path("response_model").asString()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(metadata.path("finish_reason").asString()).isEqualTo("stop");

        PromptUsage usage = awaitUsage(execution);
        assertThat(usage.getPromptSlug()).isEqualTo(slug);
        assertThat(usage.getPromptVersion()).isEqualTo(3);
        assertThat(usage.getEnvironment()).isEqualTo("staging");
        assertThat(usage.getRenderedContent()).isEqualTo("Where is order 42?");
        assertThat(usage.getRenderedSystemMessage()).isEqualTo("Be kind.");
        assertThat(listener.failures()).isZero();
    }

    @Test
    void aRenderedTemplateIsTheUsageAndItsCallsAreItsExecutions() {
        // Given a LangChain4j template rendered through PromptTemplates
        String slug = uniqueSlug("template");
        openAi.enqueue(Reply.text("Refunds take five days.", 30, 6));
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(openAi.baseUrl())
                .apiKey("sk-test")
                .modelName("gpt-4o-mini")
                .listeners(List.of(listener))
                .build();
        var rendered = PromptTemplates.render(
                client,
                PromptTemplate.from("Answer {{customer}} about {{topic}}."),
                Usage.builder(slug, 2).sessionId("sess-template"),
                Map.of("customer", "Ada", "topic", "refunds"));

        // When the host calls the model with it, in its scope
        try (var scope = rendered.scope()) {
            model.chat(rendered.text());
        }

        // Then the render is the usage, with the template's variables, and the call is its execution
        LlmExecution execution = awaitExecution(slug);
        assertThat(execution.getUsageId()).isEqualTo(rendered.usage().id());
        assertThat(execution.getPromptVersion()).isEqualTo(2);
        assertThat(execution.getSessionId()).isEqualTo("sess-template");
        assertThat(execution.getInputTokens()).isEqualTo(30);
        PromptUsage usage = awaitUsage(execution);
        assertThat(usage.getRenderedContent()).isEqualTo("Answer Ada about refunds.");
        assertThat(JSON.readTree(usage.getParameters()).path("customer").asString())
                .isEqualTo("Ada");
        assertThat(JSON.readTree(usage.getParameters()).path("topic").asString())
                .isEqualTo("refunds");
    }

    @Test
    void aRateLimitedCallIsRecordedAsAnErrorNaming429AndStillReachesTheCaller() {
        String slug = uniqueSlug("rate-limited");
        openAi.enqueue(Reply.rateLimited());
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(openAi.baseUrl())
                .apiKey("sk-test")
                .modelName("gpt-4o-mini")
                .maxRetries(0)
                .listeners(List.of(listener))
                .build();

        try (var prompt = PromptEngineLangChain4j.prompt(slug, 2)) {
            assertThatThrownBy(() -> model.chat("Summarise the ticket")).isInstanceOf(RateLimitException.class);
        }

        LlmExecution execution = awaitExecution(slug);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(execution.getErrorMessage())
                .startsWith("RateLimitException: HTTP 429: ")
                .contains("Rate limit reached for requests");
        assertThat(execution.getModel()).isEqualTo("gpt-4o-mini");
        assertThat(execution.getProvider()).isEqualTo("openai");
        assertThat(execution.getInputTokens()).isZero();
        assertThat(execution.getMessages()).extracting(Message::getRole).containsExactly("user");
        assertThat(awaitUsage(execution).getRenderedContent()).isEqualTo("Summarise the ticket");
    }

    @Test
    void aCallLongerThanTheModelsTimeoutIsRecordedAsATimeout() {
        String slug = uniqueSlug("timeout");
        openAi.enqueue(Reply.text("too late", 10, 2).after(Duration.ofSeconds(3)));
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(openAi.baseUrl())
                .apiKey("sk-test")
                .modelName("gpt-4o")
                .timeout(Duration.ofMillis(500))
                .maxRetries(0)
                .listeners(List.of(listener))
                .build();

        try (var prompt = PromptEngineLangChain4j.prompt(slug, 1)) {
            assertThatThrownBy(() -> model.chat("Hello")).isInstanceOf(RuntimeException.class);
        }

        LlmExecution execution = awaitExecution(slug);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.TIMEOUT);
        assertThat(execution.getErrorMessage()).isNotBlank();
        assertThat(execution.getExecutionTimeMs()).isBetween(400L, 2_900L);
    }

    @Test
    void recordsAStreamedCallWithTheTokensOfItsUsageChunk() throws Exception {
        String slug = uniqueSlug("streaming");
        String answer = "Streamed in several chunks: your refund is on its way.";
        openAi.enqueue(Reply.text(answer, 30, 12).cached(10).reasoning(4));
        var model = OpenAiStreamingChatModel.builder()
                .baseUrl(openAi.baseUrl())
                .apiKey("sk-test")
                .modelName("gpt-4o")
                .listeners(List.of(listener))
                .build();
        var done = new CompletableFuture<ChatResponse>();

        try (var prompt = PromptEngineLangChain4j.prompt(slug, 5)) {
            model.chat("Where is my refund?", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {}

                @Override
                public void onCompleteResponse(ChatResponse completeResponse) {
                    done.complete(completeResponse);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
        }

        assertThat(done.get(30, TimeUnit.SECONDS).aiMessage().text()).isEqualTo(answer);
        LlmExecution execution = awaitExecution(slug);
        assertThat(execution.getPromptVersion()).isEqualTo(5);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
        assertThat(execution.getResponseContent()).isEqualTo(answer);
        assertThat(execution.getInputTokens()).isEqualTo(30);
        assertThat(execution.getOutputTokens()).isEqualTo(12);
        assertThat(execution.getTotalTokens()).isEqualTo(42);
        assertThat(execution.getCachedInputTokens()).isEqualTo(10);
        assertThat(execution.getReasoningTokens()).isEqualTo(4);
        assertThat(execution.getModel()).isEqualTo("gpt-4o");
        assertThat(execution.getMessages()).extracting(Message::getContent).containsExactly("Where is my refund?");
        assertThat(awaitUsage(execution).getPromptSlug()).isEqualTo(slug);
    }

    @Test
    void aListenerWhoseClientIsClosedDoesNotDisturbTheCall() {
        String slug = uniqueSlug("closed");
        var closed =
                PromptEngine.http(ingest.baseUrl(), IngestServer.PUBLISHER_KEY).build();
        closed.close();
        var closedListener = PromptEngineChatModelListener.builder(closed)
                .defaultPrompt(slug, 1)
                .build();
        openAi.enqueue(Reply.text("still answered", 5, 3));
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(openAi.baseUrl())
                .apiKey("sk-test")
                .modelName("gpt-4o")
                .listeners(List.of(closedListener))
                .build();

        String answer = model.chat("Hello");

        assertThat(answer).isEqualTo("still answered");
        assertThat(closed.dropped()).isEqualTo(2); // the usage and the execution, counted by the client
        assertThat(closedListener.failures()).isZero();
        assertThat(Topic.executions(e -> slug.equals(e.getPromptSlug()))).isEmpty();
    }

    private static String uniqueSlug(String name) {
        return "lc4j-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The one execution of {@code slug}, keyed by its usage id. */
    private static LlmExecution awaitExecution(String slug) {
        return await()
                .atMost(AWAIT)
                .until(() -> Topic.executions(e -> slug.equals(e.getPromptSlug())), received -> !received.isEmpty())
                .stream()
                .peek(received -> assertThat(received.key())
                        .isEqualTo(received.value().getUsageId().toString()))
                .map(Topic.Received::value)
                .reduce((first, second) -> {
                    throw new AssertionError("more than one execution of " + slug);
                })
                .orElseThrow();
    }

    private static PromptUsage awaitUsage(LlmExecution execution) {
        UUID usageId = execution.getUsageId();
        var usages = await().atMost(AWAIT)
                .until(() -> Topic.usages(u -> u.getId().equals(usageId)), received -> !received.isEmpty());
        assertThat(usages).hasSize(1);
        return usages.get(0).value();
    }
}
