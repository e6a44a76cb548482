package dev.promptengine.deploy.demo;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Asks analytics-service what it counts: {@code GET /v1/analytics/usage-stats?from=&to=}. */
final class AnalyticsProbe {

    record UsageStats(long totalUses, long totalExecutions, BigDecimal totalCost, String successRate) {

        static final UsageStats NONE = new UsageStats(0, 0, BigDecimal.ZERO, "-");
    }

    /** Either the stats or why there are none. */
    record Answer(UsageStats stats, String problem) {

        boolean ok() {
            return stats != null;
        }
    }

    private final HttpClient http;
    private final JsonMapper json;
    private final URI analytics;
    private final String key;

    AnalyticsProbe(HttpClient http, JsonMapper json, URI analytics, String key) {
        this.http = http;
        this.json = json;
        this.analytics = analytics;
        this.key = key;
    }

    URI usageStats(Instant from, Instant to) {
        return analytics.resolve("/v1/analytics/usage-stats?from=" + encode(from) + "&to=" + encode(to));
    }

    Answer usageStats(Instant from, Instant to, Duration timeout) throws InterruptedException {
        var request = HttpRequest.newBuilder(usageStats(from, to))
                .timeout(timeout)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (!HttpAnswers.successful(response.statusCode())) {
                return new Answer(null, HttpAnswers.describe(json, response.statusCode(), response.body()));
            }
            JsonNode body = json.readTree(response.body());
            return new Answer(
                    new UsageStats(
                            body.path("total_uses").asLong(),
                            body.path("total_executions").asLong(),
                            decimal(body.path("total_cost")),
                            body.path("success_rate").isMissingNode()
                                    ? "-"
                                    : body.path("success_rate").asString() + "%"),
                    null);
        } catch (IOException e) {
            return new Answer(null, "cannot reach " + analytics + ": " + e);
        } catch (RuntimeException e) { // a body that is not the documented JSON
            return new Answer(null, "unreadable answer from " + analytics + ": " + e.getMessage());
        }
    }

    private static BigDecimal decimal(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        String text = node.asString("");
        return text.isBlank() ? BigDecimal.ZERO : new BigDecimal(text);
    }

    private static String encode(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }
}
