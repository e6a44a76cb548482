package dev.promptengine.client.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.client.PromptEngine;
import dev.promptengine.testsupport.TestKafka;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration as Boot applies it: when it backs off, what it registers, where. */
class PromptEngineSpringAiAutoConfigurationTests {

    /** Nothing listens there: what is recorded stays pending, where the test can count it. */
    private final String nowhere = "http://127.0.0.1:" + TestKafka.freePort();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class, PromptEngineSpringAiAutoConfiguration.class));

    @Test
    void backsOffWithoutTheUrlOrTheApiKey() {
        runner.run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(PromptEngine.class)
                .doesNotHaveBean(ChatModelRecorder.class));
        runner.withPropertyValues("promptengine.client.url=" + nowhere)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PromptEngine.class));
        runner.withPropertyValues("promptengine.client.api-key=pe_key")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PromptEngine.class));
    }

    @Test
    void recordsAChatModelObservationOnBootsRegistryWithTwoProperties() {
        runner.withPropertyValues("promptengine.client.url=" + nowhere, "promptengine.client.api-key=pe_key")
                .run(context -> {
                    var client = context.getBean(PromptEngine.class);
                    var registry = context.getBean(ObservationRegistry.class);

                    String answer = observeChat(registry, "Hello?", () -> "Hi.");

                    assertThat(answer).isEqualTo("Hi.");
                    assertThat(context).hasSingleBean(ChatClientScopeHandler.class);
                    assertThat(client.pending()).isEqualTo(2); // the usage and the execution
                    assertThat(client.rejected()).isZero();
                });
    }

    @Test
    void letsTheHostsExceptionThroughUnchangedAndRecordsIt() {
        runner.withPropertyValues("promptengine.client.url=" + nowhere, "promptengine.client.api-key=pe_key")
                .run(context -> {
                    var client = context.getBean(PromptEngine.class);
                    var registry = context.getBean(ObservationRegistry.class);
                    var failure = new IllegalStateException("provider down");

                    assertThatThrownBy(() -> observeChat(registry, "Hello?", () -> {
                                throw failure;
                            }))
                            .isSameAs(failure);
                    assertThat(client.pending()).isEqualTo(2);
                    assertThat(client.rejected()).isZero();
                });
    }

    @Test
    void keepsAPromptEngineTheHostDefined() {
        runner.withPropertyValues("promptengine.client.url=" + nowhere, "promptengine.client.api-key=pe_key")
                .withUserConfiguration(HostClient.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(PromptEngine.class);
                    assertThat(context.getBean(PromptEngine.class)).isSameAs(HostClient.client);
                    observeChat(context.getBean(ObservationRegistry.class), "Hello?", () -> "Hi.");
                    assertThat(HostClient.client.pending()).isEqualTo(2);
                });
    }

    @Test
    void closesTheClientWithTheContext() {
        runner.withPropertyValues("promptengine.client.url=" + nowhere, "promptengine.client.api-key=pe_key")
                .run(context -> {
                    var client = context.getBean(PromptEngine.class);
                    var registry = context.getBean(ObservationRegistry.class);
                    context.close();
                    observeChat(registry, "Hello?", () -> "Hi.");
                    assertThat(client.dropped()).isEqualTo(2); // recorded after close
                });
    }

    /** What a Spring AI chat model does around its provider call. */
    private static String observeChat(ObservationRegistry registry, String question, ProviderCall call) {
        var context = ChatModelObservationContext.builder()
                .prompt(new Prompt(question))
                .provider("openai")
                .build();
        return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
                .observation(null, new DefaultChatModelObservationConvention(), () -> context, registry)
                .observe(() -> {
                    String answer = call.answer();
                    context.setResponse(new ChatResponse(List.of(new Generation(new AssistantMessage(answer)))));
                    return answer;
                });
    }

    @FunctionalInterface
    interface ProviderCall {
        String answer();
    }

    @Configuration(proxyBeanMethods = false)
    static class HostClient {

        static final PromptEngine client = PromptEngine.http("http://127.0.0.1:" + TestKafka.freePort(), "pe_host")
                .closeTimeout(Duration.ZERO)
                .build();

        @Bean
        PromptEngine hostPromptEngine() {
            return client;
        }
    }
}
