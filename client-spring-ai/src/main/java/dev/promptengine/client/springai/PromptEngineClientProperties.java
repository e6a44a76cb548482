package dev.promptengine.client.springai;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code promptengine.client.*}: where the auto-configured client publishes, and the prompt
 * identity of the Spring AI calls that do not name one ({@link PromptEngineChat#prompt}).
 *
 * @param url ingest-service's base URL, for example {@code http://localhost:8081}
 * @param apiKey a {@code publisher} key of the tenant
 * @param defaultPromptSlug the slug of calls that name none
 * @param defaultPromptVersion the version of calls that name none
 * @param environment the environment stamped on every usage (none when unset)
 */
@ConfigurationProperties("promptengine.client")
public record PromptEngineClientProperties(
        String url,
        String apiKey,
        @DefaultValue("spring-ai") String defaultPromptSlug,
        @DefaultValue("1") int defaultPromptVersion,
        String environment) {}
