package dev.promptengine.client.springai;

import dev.promptengine.client.PromptEngine;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.ai.chat.client.observation.ChatClientObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code promptengine.client.url} and {@code promptengine.client.api-key} set: a
 * {@link PromptEngine} client over HTTP (closed, delivering what is queued, when the context
 * closes) and the observation handlers that record every Spring AI chat model request through it.
 * Boot's observation auto-configuration registers {@code ObservationHandler} beans on the
 * {@code ObservationRegistry} that Spring AI's models and {@code ChatClient} observe with.
 */
@AutoConfiguration
@ConditionalOnClass(ChatModelObservationContext.class)
@ConditionalOnProperty(
        prefix = "promptengine.client",
        name = {"url", "api-key"})
@EnableConfigurationProperties(PromptEngineClientProperties.class)
public class PromptEngineSpringAiAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PromptEngine promptEngine(PromptEngineClientProperties properties, ObjectProvider<MeterRegistry> meterRegistry) {
        var builder = PromptEngine.http(properties.url(), properties.apiKey());
        meterRegistry.ifUnique(builder::meterRegistry);
        return builder.build();
    }

    @Bean
    ChatModelRecorder promptEngineChatModelRecorder(PromptEngine client, PromptEngineClientProperties properties) {
        return new ChatModelRecorder(client, properties, System::nanoTime);
    }

    /** Per-call prompt identity, when the host uses {@code ChatClient}: see {@link PromptEngineChat}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ChatClientObservationContext.class)
    static class ChatClientScope {

        @Bean
        ChatClientScopeHandler promptEngineChatClientScopeHandler() {
            return new ChatClientScopeHandler();
        }
    }
}
