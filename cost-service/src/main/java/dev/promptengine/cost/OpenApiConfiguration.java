package dev.promptengine.cost;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at {@code /v3/api-docs} (UI at {@code /swagger-ui.html}). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI costOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("PromptEngine pricing API")
                        .version("v1")
                        .description("Pricing catalog in two layers (default and tenant), tenant discounts, price"
                                + " history and resolution, and quotes computed exactly as the enrichment costs"
                                + " executions. Prices are USD per 1M tokens; times are ISO-8601 UTC."))
                .components(new Components()
                        .addSecuritySchemes(
                                "api-key",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("API key: 'Authorization: Bearer <key>'")))
                .addSecurityItem(new SecurityRequirement().addList("api-key"));
    }

    /**
     * springdoc documents models with swagger-core's Jackson 2 mapper, which does not read the
     * service's Jackson 3 snake_case setting: tell it the JSON is snake_case.
     */
    @Bean
    ModelResolver snakeCaseModelResolver() {
        return new ModelResolver(Json.mapper()
                .copy()
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE));
    }
}
