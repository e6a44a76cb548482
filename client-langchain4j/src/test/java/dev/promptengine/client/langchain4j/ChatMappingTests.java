package dev.promptengine.client.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.ModelProvider;
import dev.promptengine.client.Message;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatMappingTests {

    @Test
    void mapsLangChain4jProvidersToTheCatalogsNames() {
        assertThat(ChatMapping.provider(ModelProvider.OPEN_AI)).isEqualTo("openai");
        assertThat(ChatMapping.provider(ModelProvider.ANTHROPIC)).isEqualTo("anthropic");
        assertThat(ChatMapping.provider(ModelProvider.AZURE_OPEN_AI)).isEqualTo("azure");
        assertThat(ChatMapping.provider(ModelProvider.GOOGLE_AI_GEMINI)).isEqualTo("google");
        assertThat(ChatMapping.provider(ModelProvider.GOOGLE_VERTEX_AI_GEMINI)).isEqualTo("google");
        assertThat(ChatMapping.provider(ModelProvider.GOOGLE_GENAI)).isEqualTo("google");
        assertThat(ChatMapping.provider(ModelProvider.MISTRAL_AI)).isEqualTo("mistral");
        assertThat(ChatMapping.provider(ModelProvider.AMAZON_BEDROCK)).isEqualTo("bedrock");
        assertThat(ChatMapping.provider(ModelProvider.OLLAMA)).isEqualTo("ollama");
        assertThat(ChatMapping.provider(ModelProvider.COHERE)).isEqualTo("cohere");
        assertThat(ChatMapping.provider(ModelProvider.MICROSOFT_FOUNDRY)).isEqualTo("microsoft_foundry");
        assertThat(ChatMapping.provider(ModelProvider.OTHER)).isEqualTo("other");
        assertThat(ChatMapping.provider(null)).isEqualTo("other");
    }

    @Test
    void mapsEachKindOfMessageToItsRoleAndText() {
        var toolCall = ToolExecutionRequest.builder()
                .id("call-1")
                .name("orderStatus")
                .arguments("{\"order\":42}")
                .build();

        List<Message> messages = ChatMapping.messages(List.of(
                SystemMessage.from("Be kind."),
                UserMessage.from("Where is order 42?"),
                AiMessage.from(toolCall),
                ToolExecutionResultMessage.from(toolCall, "shipped"),
                AiMessage.from("It has shipped."),
                UserMessage.from(TextContent.from("And this?"), ImageContent.from("https://example.com/a.png"))));

        assertThat(messages)
                .containsExactly(
                        new Message("system", "Be kind."),
                        new Message("user", "Where is order 42?"),
                        new Message("assistant", "orderStatus({\"order\":42})"),
                        new Message("tool", "shipped"),
                        new Message("assistant", "It has shipped."),
                        new Message("user", "And this?\n[image]"));
    }

    @Test
    void rendersTheRenderedTextAsTheLastUserMessageAndTheFirstSystemMessage() {
        var messages = List.of(
                SystemMessage.from("Be kind."),
                UserMessage.from("first"),
                AiMessage.from("ok"),
                UserMessage.from("second"));

        assertThat(ChatMapping.lastUserText(messages)).isEqualTo("second");
        assertThat(ChatMapping.systemText(messages)).isEqualTo("Be kind.");
        assertThat(ChatMapping.lastUserText(List.of(SystemMessage.from("x")))).isNull();
    }

    @Test
    void errorMessagesNameTheClassAndTheHttpStatusSoA429ReadsAsARateLimit() {
        var body = "{\"error\":{\"message\":\"Rate limit reached for requests\",\"code\":\"rate_limit_exceeded\"}}";
        var rateLimited = new RateLimitException(new HttpException(429, body));

        assertThat(ChatMapping.errorMessage(rateLimited)).isEqualTo("RateLimitException: HTTP 429: " + body);
        assertThat(ChatMapping.errorMessage(new AuthenticationException("bad key")))
                .isEqualTo("AuthenticationException: bad key");
        assertThat(ChatMapping.errorMessage(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void timeoutsAreLangChain4jsOrTheJdksAnywhereInTheCauses() {
        assertThat(ChatMapping.isTimeout(new TimeoutException("read timed out")))
                .isTrue();
        assertThat(ChatMapping.isTimeout(new RuntimeException(new HttpTimeoutException("request timed out"))))
                .isTrue();
        assertThat(ChatMapping.isTimeout(new java.util.concurrent.TimeoutException()))
                .isTrue();
        assertThat(ChatMapping.isTimeout(new RateLimitException("slow down"))).isFalse();
        assertThat(ChatMapping.isTimeout(new UncheckedIOException(new java.io.IOException("reset"))))
                .isFalse();
    }
}
