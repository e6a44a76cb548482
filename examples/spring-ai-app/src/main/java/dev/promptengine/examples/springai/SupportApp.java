package dev.promptengine.examples.springai;

import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.springai.PromptEngineChat;
import dev.promptengine.llmtest.OpenAiTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A support app on Spring AI's {@link ChatClient}: two prompts, blocking and streamed calls, all
 * recorded by promptengine-client-spring-ai from application.yml alone. {@code PE_PUBLISHER_KEY}
 * is required; {@code PE_INGEST_URL}, {@code OPENAI_BASE_URL}/{@code OPENAI_API_KEY} (without a
 * base URL a local OpenAI-compatible test server is started) and {@code EXAMPLE_CALLS} (default 20)
 * are optional.
 */
@SpringBootApplication
public class SupportApp {

    private static final List<String> TICKETS = List.of(
            "My refund has not arrived after two weeks.",
            "How do I change the email address on my account?",
            "The app crashes when I upload a photo.",
            "Can I get an invoice for last month?");

    public static void main(String[] args) {
        if (System.getenv("PE_PUBLISHER_KEY") == null
                || System.getenv("PE_PUBLISHER_KEY").isBlank()) {
            throw new IllegalStateException("Set PE_PUBLISHER_KEY (source .promptengine/credentials.env)");
        }
        OpenAiTestServer localModel = System.getenv("OPENAI_BASE_URL") == null ? OpenAiTestServer.start() : null;
        var arguments = new ArrayList<>(List.of(args));
        if (localModel != null) {
            // Spring AI appends /v1/chat/completions to the base URL
            arguments.add("--spring.ai.openai.base-url=" + localModel.baseUrl().replaceAll("/v1$", ""));
        }
        try {
            SpringApplication.run(SupportApp.class, arguments.toArray(String[]::new))
                    .close();
        } finally {
            if (localModel != null) {
                localModel.close();
            }
        }
    }

    @Bean
    ApplicationRunner answerTickets(ChatClient.Builder chat, PromptEngine client) {
        return args -> {
            ChatClient support = chat.defaultSystem("You are a friendly support agent. Answer in two sentences.")
                    .build();
            int calls = Integer.parseInt(System.getenv().getOrDefault("EXAMPLE_CALLS", "20"));
            for (int i = 0; i < calls; i++) {
                String ticket = TICKETS.get(i % TICKETS.size());
                if (i % 4 == 3) {
                    String summary = String.join(
                            "",
                            support
                                    .prompt()
                                    .user("Summarise in five words: " + ticket)
                                    .advisors(PromptEngineChat.prompt("ticket-summary", 2))
                                    .stream()
                                    .content()
                                    .collectList()
                                    .block(Duration.ofSeconds(30)));
                    System.out.println("summary (streamed): " + summary);
                } else {
                    String reply = support.prompt()
                            .user(ticket)
                            .advisors(PromptEngineChat.prompt("support-reply", 3, "session-" + (i / 4), "user-" + i))
                            .call()
                            .content();
                    System.out.println("reply: " + reply);
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
        };
    }
}
