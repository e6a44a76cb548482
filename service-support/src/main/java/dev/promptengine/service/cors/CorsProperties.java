package dev.promptengine.service.cors;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser origins allowed to call this service's {@code /v1/} API, e.g. the dashboard served by
 * analytics-service calling cost-service's pricing API. Default: the local dashboard.
 */
@ConfigurationProperties("promptengine.cors")
public record CorsProperties(
        @DefaultValue({"http://127.0.0.1:8083", "http://localhost:8083"})
        List<String> allowedOrigins) {}
