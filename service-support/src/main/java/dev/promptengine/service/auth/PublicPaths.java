package dev.promptengine.service.auth;

import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The only paths answered without an API key: health probes, the OpenAPI documents and Swagger UI,
 * and the dashboard's static files. Everything else — every {@code /v1/} endpoint, every other
 * actuator endpoint, any path nobody mapped — needs a key. Matched on the decoded path with the same
 * pattern parser the router uses.
 */
final class PublicPaths {

    private static final List<PathPattern> PATTERNS = List.of(
                    "/",
                    "/index.html",
                    "/favicon.ico",
                    "/css/**",
                    "/js/**",
                    "/webjars/**",
                    "/actuator/health",
                    "/actuator/health/**",
                    "/v3/api-docs",
                    "/v3/api-docs/**",
                    "/v3/api-docs.yaml",
                    "/swagger-ui.html",
                    "/swagger-ui/**")
            .stream()
            .map(PathPatternParser.defaultInstance::parse)
            .toList();

    private PublicPaths() {}

    static boolean matches(String decodedPath) {
        var path = PathContainer.parsePath(decodedPath);
        return PATTERNS.stream().anyMatch(pattern -> pattern.matches(path));
    }
}
