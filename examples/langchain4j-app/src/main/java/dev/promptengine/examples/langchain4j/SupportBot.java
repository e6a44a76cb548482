package dev.promptengine.examples.langchain4j;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.langchain4j.PromptEngineChatModelListener;
import dev.promptengine.client.langchain4j.PromptEngineLangChain4j;
import dev.promptengine.llmtest.OpenAiTestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A support bot that answers tickets with two prompts through LangChain4j's OpenAI models, blocking
 * and streaming; promptengine-client-langchain4j records every call. Configuration from the
 * environment: {@code PE_INGEST_URL} (default http://127.0.0.1:8081), {@code PE_PUBLISHER_KEY}
 * (required), {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY} (without a base URL a local
 * OpenAI-compatible test server is started), {@code EXAMPLE_CALLS} (default 20).
 */
public final class SupportBot {

    private static final List<String> TICKETS = List.of(
            "My refund has not arrived after two weeks.",
            "How do I change the email address on my account?",
            "The app crashes when I upload a photo.",
            "Can I get an invoice for last month?");

    public static void main(String[] args) throws Exception {
        String ingest = env("PE_INGEST_URL", "http://127.0.0.1:8081");
        String key = System.getenv("PE_PUBLISHER_KEY");
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("Set PE_PUBLISHER_KEY (source .promptengine/credentials.env)");
        }
        int calls = Integer.parseInt(env("EXAMPLE_CALLS", "20"));
        OpenAiTestServer localModel = System.getenv("OPENAI_BASE_URL") == null ? OpenAiTestServer.start() : null;
        String baseUrl = localModel != null ? localModel.baseUrl() : System.getenv("OPENAI_BASE_URL");

        // the two lines: a client and a listener on the model
        try (var client = PromptEngine.http(ingest, key).build()) {
            var listener = PromptEngineChatModelListener.builder(client)
                    .defaultPrompt("support-bot", 1)
                    .environment("development")
                    .build();
            ChatModel model = OpenAiChatModel.builder()
                    .baseUrl(baseUrl)
                    .apiKey(env("OPENAI_API_KEY", "sk-local"))
                    .modelName("gpt-4o-mini")
                    .temperature(0.3)
                    .timeout(Duration.ofSeconds(30))
                    .listeners(List.of(listener))
                    .build();
            StreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                    .baseUrl(baseUrl)
                    .apiKey(env("OPENAI_API_KEY", "sk-local"))
                    .modelName("gpt-4o-mini")
                    .listeners(List.of(listener))
                    .build();

            for (int i = 0; i < calls; i++) {
                String ticket = TICKETS.get(i % TICKETS.size());
                if (i % 4 == 3) {
                    try (var prompt = PromptEngineLangChain4j.prompt("ticket-summary", 2)) {
                        System.out.println("summary (streamed): " + stream(streaming, ticket));
                    }
                } else {
                    try (var prompt = PromptEngineLangChain4j.prompt("support-reply", 3)) {
                        ChatResponse reply = model.chat(
                                SystemMessage.from("You are a friendly support agent. Answer in two sentences."),
                                UserMessage.from(ticket));
                        System.out.println("reply: " + reply.aiMessage().text());
                    }
                }
            }
            client.close(Duration.ofSeconds(15));
            System.out.printf(
                    "recorded %d events: %d sent, %d retried, %d dropped, %d rejected%n",
                    client.sent() + client.dropped() + client.rejected(),
                    client.sent(),
                    client.retried(),
                    client.dropped(),
                    client.rejected());
        } finally {
            if (localModel != null) {
                localModel.close();
            }
        }
    }

    private static String stream(StreamingChatModel model, String ticket) throws Exception {
        var done = new CompletableFuture<String>();
        model.chat(
                List.of(SystemMessage.from("Summarise the ticket in five words."), UserMessage.from(ticket)),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {}

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response.aiMessage().text());
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        return done.get(30, TimeUnit.SECONDS);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private SupportBot() {}
}
