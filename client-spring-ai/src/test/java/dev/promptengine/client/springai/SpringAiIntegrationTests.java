package dev.promptengine.client.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.support.IngestServer;
import dev.promptengine.client.support.Topic;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.llmtest.OpenAiTestServer;
import dev.promptengine.llmtest.OpenAiTestServer.Reply;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A host application as a user would write it (Spring Boot, spring-ai-openai's starter, a
 * {@link ChatClient}, the two properties), its OpenAI base URL on the {@link OpenAiTestServer}; the
 * auto-configured client publishes over HTTP to a real ingest-service in this JVM, on the real
 * broker, where the test reads the events as downstream services do.
 */
class SpringAiIntegrationTests {

    private static final Duration AWAIT = Duration.ofSeconds(60);

    private static OpenAiTestServer llm;
    private static IngestServer ingest;
    private static ConfigurableApplicationContext host;
    private static ChatClient chat;

    /**
     * Spring AI's models are on this class path, so ingest-service (started in this JVM) would
     * auto-configure them too, and fail without an API key: off for every context through system
     * properties, which the host's command-line arguments outrank for its chat model.
     */
    private static final List<String> MODELS_OFF = List.of(
            "spring.ai.model.chat",
            "spring.ai.model.embedding",
            "spring.ai.model.image",
            "spring.ai.model.audio.transcription",
            "spring.ai.model.audio.speech",
            "spring.ai.model.moderation");

    @BeforeAll
    static void start() {
        MODELS_OFF.forEach(name -> System.setProperty(name, "none"));
        llm = OpenAiTestServer.start();
        ingest = IngestServer.start(TestKafka.freePort());
        host = HostApplication.run(
                "--promptengine.client.url=" + ingest.baseUrl(),
                "--promptengine.client.api-key=" + IngestServer.PUBLISHER_KEY,
                "--promptengine.client.default-prompt-slug=host-default",
                "--promptengine.client.default-prompt-version=2",
                "--promptengine.client.environment=staging",
                "--spring.ai.model.chat=openai",
                "--spring.ai.openai.base-url=" + llm.baseUrl(),
                "--spring.ai.openai.api-key=sk-test",
                "--spring.ai.openai.chat.model=gpt-4o-mini",
                // the SDK's own retries (2 by default) would answer a 429 with a second request
                "--spring.ai.openai.max-retries=0");
        chat = host.getBean(ChatClient.Builder.class).build();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (ingest != null) {
            ingest.close();
        }
        if (llm != null) {
            llm.close();
        }
        MODELS_OFF.forEach(System::clearProperty);
    }

    @BeforeEach
    void resetServer() {
        llm.reset();
    }

    @Test
    void recordsAChatClientCallWithItsPromptTokensModelAndMessages() {
        // Given the model answers with known counts, as a dated snapshot of the model asked for
        llm.enqueue(Reply.text("Dear Ada, your order ships today.", 42, 11)
                .cached(8)
                .reasoning(3)
                .model("gpt-4o-mini-2024-07-18"));
        String session = UUID.randomUUID().toString();

        // When the host calls through ChatClient, naming its prompt
        String answer = chat.prompt()
                .system("Be kind.")
                .user("Where is order 7?")
                .options(OpenAiChatOptions.builder().temperature(0.2).maxTokens(256))
                .advisors(PromptEngineChat.prompt("support-reply", 3, session, "user-7"))
                .call()
                .content();

        // Then one usage and one execution arrive, with the call's facts
        assertThat(answer).isEqualTo("Dear Ada, your order ships today.");
        LlmExecution execution = awaitOneExecution(session);
        PromptUsage usage = onlyUsage(session);
        assertThat(usage.getPromptSlug()).isEqualTo("support-reply");
        assertThat(usage.getPromptVersion()).isEqualTo(3);
        assertThat(usage.getEnvironment()).isEqualTo("staging");
        assertThat(usage.getUserIdentifier()).isEqualTo("user-7");
        assertThat(usage.getRenderedContent()).isEqualTo("Where is order 7?");
        assertThat(usage.getRenderedSystemMessage()).isEqualTo("Be kind.");

        assertThat(execution.getUsageId()).isEqualTo(usage.getId());
        assertThat(execution.getPromptSlug()).isEqualTo("support-reply");
        assertThat(execution.getPromptVersion()).isEqualTo(3);
        assertThat(execution.getProvider()).isEqualTo("openai");
        assertThat(execution.getModel()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(execution.getTemperature()).isEqualTo(0.2);
        assertThat(execution.getMaxTokens()).isEqualTo(256);
        assertThat(execution.getMessages())
                .extracting(m -> m.getRole() + ":" + m.getContent())
                .containsExactly("system:Be kind.", "user:Where is order 7?");
        assertThat(execution.getResponseContent()).isEqualTo("Dear Ada, your order ships today.");
        assertThat(execution.getInputTokens()).isEqualTo(42);
        assertThat(execution.getOutputTokens()).isEqualTo(11);
        assertThat(execution.getTotalTokens()).isEqualTo(53);
        assertThat(execution.getCachedInputTokens()).isEqualTo(8);
        assertThat(execution.getReasoningTokens()).isEqualTo(3);
        assertThat(execution.getExecutionTimeMs()).isNotNegative();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
        assertThat(execution.getErrorMessage()).isNull();
        assertThat(execution.getResponseMetadata()).contains("\"finish_reason\":\"STOP\"", "\"streaming\":false");
        // and the model was asked what the host asked
        assertThat(llm.requests()).singleElement().satisfies(request -> {
            assertThat(request.path("model").asString()).isEqualTo("gpt-4o-mini");
            assertThat(request.path("temperature").asDouble()).isEqualTo(0.2);
        });
    }

    @Test
    void recordsARateLimitedCallAsAnErrorNamingThe429() {
        llm.enqueue(Reply.rateLimited());
        String session = UUID.randomUUID().toString();

        // When the provider answers 429, the host sees its exception as without the recorder
        assertThatThrownBy(() -> chat.prompt()
                        .user("Where is order 8?")
                        .advisors(PromptEngineChat.prompt("support-reply", 3, session, null))
                        .call()
                        .content())
                .hasMessageContaining("429");

        // Then the execution is an error whose message the analytics side classifies as a rate limit
        LlmExecution execution = awaitOneExecution(session);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(execution.getErrorMessage()).isEqualTo("RateLimitException: 429: Rate limit reached for requests");
        assertThat(execution.getProvider()).isEqualTo("openai");
        assertThat(execution.getModel()).isEqualTo("gpt-4o-mini");
        assertThat(execution.getInputTokens()).isZero();
        assertThat(execution.getMessages()).hasSize(1);
        assertThat(llm.requests()).hasSize(1);
    }

    @Test
    void recordsAStreamOnceWithItsUsage() {
        String content = "Your parcel left the warehouse this morning and arrives on Friday.";
        llm.enqueue(Reply.text(content, 30, 14));
        String session = UUID.randomUUID().toString();

        // When the host streams the answer through ChatClient
        List<String> pieces = chat
                .prompt()
                .user("When does order 9 arrive?")
                .advisors(PromptEngineChat.prompt("tracking", 5, session, null))
                .stream()
                .content()
                .collectList()
                .block(Duration.ofSeconds(30));

        // Then it arrived in pieces, and is recorded once, with the whole answer and the usage chunk's counts
        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(content);
        assertThat(llm.requests())
                .singleElement()
                .satisfies(request -> assertThat(request.path("stream_options")
                                .path("include_usage")
                                .asBoolean())
                        .isTrue());
        LlmExecution execution = awaitOneExecution(session);
        assertThat(onlyUsage(session).getPromptSlug()).isEqualTo("tracking");
        assertThat(execution.getPromptVersion()).isEqualTo(5);
        assertThat(execution.getResponseContent()).isEqualTo(content);
        assertThat(execution.getInputTokens()).isEqualTo(30);
        assertThat(execution.getOutputTokens()).isEqualTo(14);
        assertThat(execution.getTotalTokens()).isEqualTo(44);
        assertThat(execution.getModel()).isEqualTo("gpt-4o-mini");
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
        assertThat(execution.getResponseMetadata()).contains("\"streaming\":true");
    }

    @Test
    void recordsAStreamTheHostCancelsAsAnErrorSayingSo() {
        llm.enqueue(Reply.text("First piece, then much more that nobody reads.", 30, 14));
        String session = UUID.randomUUID().toString();

        // When the host takes the first piece and cancels the rest
        String first = chat
                .prompt()
                .user("Tell me everything.")
                .advisors(PromptEngineChat.prompt("tracking", 5, session, null))
                .stream()
                .content()
                .blockFirst(Duration.ofSeconds(30));

        // Then one execution says the stream was cancelled, rather than a success without an answer
        assertThat(first).isEqualTo("First pi");
        LlmExecution execution = awaitOneExecution(session);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(execution.getErrorMessage()).isEqualTo(ChatModelRecorder.STREAM_CANCELLED);
        assertThat(execution.getInputTokens()).isZero();
    }

    @Test
    void recordsACallThatNamesNoPromptUnderTheConfiguredDefault() {
        String question = "Is order " + UUID.randomUUID() + " paid?";

        String answer = chat.prompt().user(question).call().content();

        assertThat(answer).isEqualTo("Echo: " + question);
        var usage = await().atMost(AWAIT)
                .until(() -> Topic.usages(u -> question.equals(u.getRenderedContent())), list -> list.size() == 1)
                .get(0)
                .value();
        assertThat(usage.getPromptSlug()).isEqualTo("host-default");
        assertThat(usage.getPromptVersion()).isEqualTo(2);
        var execution = await().atMost(AWAIT)
                .until(() -> Topic.executions(e -> e.getUsageId().equals(usage.getId())), list -> list.size() == 1)
                .get(0)
                .value();
        assertThat(execution.getPromptSlug()).isEqualTo("host-default");
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
        // the echo's counts: a token per four characters
        assertThat(execution.getInputTokens()).isEqualTo((question.length() + 3) / 4);
    }

    @Test
    void recordsACallThatOutlivesItsTimeoutAsATimeout() {
        // Given a model that answers after three seconds, and a call that waits one
        llm.enqueue(Reply.text("too late", 5, 2).after(Duration.ofSeconds(3)));
        String session = UUID.randomUUID().toString();

        long started = System.nanoTime();
        assertThatThrownBy(() -> chat.prompt()
                .user("Anyone there?")
                .options(OpenAiChatOptions.builder().timeout(Duration.ofSeconds(1)))
                .advisors(PromptEngineChat.prompt("support-reply", 3, session, null))
                .call()
                .content());
        long waitedMs = (System.nanoTime() - started) / 1_000_000;

        // Then it is a timeout, as long as the host waited, with the cause the SDK's message leaves out
        LlmExecution execution = awaitOneExecution(session);
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.TIMEOUT);
        assertThat(execution.getErrorMessage())
                .isEqualTo("OpenAIIoException: Request failed (InterruptedIOException: timeout)");
        assertThat(execution.getExecutionTimeMs()).isBetween(900L, waitedMs);
    }

    @Test
    void theClientIsABeanOfTheHostAndNothingWasRejectedOrDropped() {
        var client = host.getBean(PromptEngine.class);
        assertThat(client.rejected()).isZero();
        assertThat(client.dropped()).isZero();
    }

    private static LlmExecution awaitOneExecution(String session) {
        var executions = await().atMost(AWAIT)
                .until(() -> Topic.executions(e -> session.equals(e.getSessionId())), list -> !list.isEmpty());
        // a second one would have come in the same batch or shortly after: read once more
        assertThat(Topic.executions(e -> session.equals(e.getSessionId()))).hasSize(1);
        var received = executions.get(0);
        assertThat(received.key()).isEqualTo(received.value().getUsageId().toString());
        return received.value();
    }

    private static PromptUsage onlyUsage(String session) {
        var usages = await().atMost(AWAIT)
                .until(() -> Topic.usages(u -> session.equals(u.getSessionId())), list -> !list.isEmpty());
        assertThat(usages).hasSize(1);
        return usages.get(0).value();
    }

    /** The host: nothing but Boot's auto-configuration, as in an application that adds the module. */
    @SpringBootApplication(
            excludeName = {
                // ingest-service's own auto-configurations, on this test class path only
                "dev.promptengine.service.auth.AuthAutoConfiguration",
                "dev.promptengine.service.health.KafkaHealthAutoConfiguration",
                "dev.promptengine.service.topics.TopicsAutoConfiguration",
                "dev.promptengine.service.cors.CorsAutoConfiguration",
                "dev.promptengine.service.kafka.KafkaCredentialsAutoConfiguration"
            })
    static class HostApplication {

        static ConfigurableApplicationContext run(String... args) {
            return new SpringApplicationBuilder(HostApplication.class)
                    .web(WebApplicationType.NONE)
                    .properties("spring.main.banner-mode=off")
                    .run(args);
        }
    }
}
