package dev.promptengine.analytics.query;

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

    static {
        // the caller comes from the API key (CallerArgumentResolver), never from the request body
        org.springdoc.core.utils.SpringDocUtils.getConfig()
                .addRequestWrapperToIgnore(dev.promptengine.service.auth.Caller.class);
    }

    @Bean
    OpenAPI analyticsOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("PromptEngine analytics API")
                        .version("v1")
                        .description("Usage, performance, cost and error analytics of prompts; drill-down, CSV export"
                                + " and audit. Money is an exact decimal string (USD); rates are percentages with"
                                + " one decimal; times are ISO-8601 UTC; ranges are half-open [from, to)."))
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
     * springdoc documents models with swagger-core's Jackson 2 mapper, which does not read Jackson 3's
     * {@code @JsonNaming}: tell it the JSON is snake_case.
     */
    @Bean
    ModelResolver snakeCaseModelResolver() {
        return new ModelResolver(Json.mapper()
                .copy()
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE));
    }
}
