package dev.promptengine.service.auth;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Canonical request paths, API-key authentication of every non-public path (keys from configuration
 * plus the managed keys of the API key topic), role checks of every {@code /v1/} endpoint.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(AuthProperties.class)
public class AuthAutoConfiguration implements WebMvcConfigurer {

    private static final Logger log = LoggerFactory.getLogger(AuthAutoConfiguration.class);

    @Bean
    ApiKeyDirectory apiKeyDirectory() {
        return new ApiKeyDirectory();
    }

    @Bean
    @ConditionalOnBean(KafkaProperties.class)
    @ConditionalOnProperty(prefix = "promptengine.auth.directory", name = "enabled", matchIfMissing = true)
    ApiKeyTopicReader apiKeyTopicReader(
            KafkaProperties kafkaProperties, ApiKeyDirectory directory, AuthProperties properties) {
        return new ApiKeyTopicReader(
                kafkaProperties, directory, properties.directory().startupWait());
    }

    @Bean
    ApiKeys apiKeys(AuthProperties properties, ApiKeyDirectory directory, ObjectProvider<Clock> clock) {
        // the service's clock where it has one, so tests that move time move key expiry too
        var keys = new ApiKeys(properties, directory, clock.getIfAvailable(Clock::systemUTC));
        if (keys.isEmpty()) {
            log.warn("No API keys configured (promptengine.auth.keys): only managed keys will be accepted");
        }
        return keys;
    }

    @Bean
    FilterRegistrationBean<RequestFirewall> requestFirewall() {
        var registration = new FilterRegistrationBean<>(new RequestFirewall());
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiKeys keys) {
        var registration = new FilterRegistrationBean<>(new ApiKeyFilter(keys));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new RoleInterceptor()).addPathPatterns("/v1/**");
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }
}
