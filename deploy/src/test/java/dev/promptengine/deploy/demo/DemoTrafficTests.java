package dev.promptengine.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The demo's own behaviour against a small HTTP server standing in for ingest- and
 * analytics-service: what it reports for non-2xx answers, and what it prints once analytics counts.
 */
class DemoTrafficTests {

    private HttpServer server;
    private final AtomicInteger eventRequests = new AtomicInteger();
    private final AtomicLong countedUses = new AtomicLong();
    private final AtomicLong countedExecutions = new AtomicLong();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void reportsAMissingEventsEndpointAndStopsSending() throws Exception {
        // Given an ingest-service without POST /v1/events
        server.createContext("/v1/events", exchange -> {
            eventRequests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            answer(exchange, 404, "{\"status\":404,\"error\":\"Not Found\",\"path\":\"/v1/events\"}");
        });

        // When the demo publishes 500 executions one request at a time
        boolean ok = demo(500, 1).run();

        // Then it stops after the first answer and says why
        assertThat(ok).isFalse();
        assertThat(eventRequests).hasValue(1);
        assertThat(output())
                .contains("REJECTED")
                .contains("404 Not Found (/v1/events)")
                .contains("450 executions were not sent");
    }

    @Test
    void reportsRejectedBatchesWithTheirProblemDetail() throws Exception {
        // Given an ingest-service that rejects every batch as invalid
        server.createContext("/v1/events", exchange -> {
            eventRequests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            answer(
                    exchange,
                    400,
                    "{\"type\":\"https://promptengine.dev/problems/invalid-event\",\"title\":\"Invalid event\","
                            + "\"status\":400,\"detail\":\"executions[3].model must not be blank\"}");
        });

        // When the demo publishes 100 executions in batches of 50
        boolean ok = demo(100, 2).run();

        // Then every batch was tried, and the problem detail is shown
        assertThat(ok).isFalse();
        assertThat(eventRequests).hasValue(2);
        assertThat(output()).contains("2 request(s): 400 Invalid event - executions[3].model must not be blank");
    }

    @Test
    void printsWhatAnalyticsCountsAfterPublishing() throws Exception {
        // Given an ingest-service that accepts batches and an analytics-service that counts them
        var json = DemoTraffic.json();
        server.createContext("/v1/events", exchange -> {
            JsonNode batch = json.readTree(exchange.getRequestBody().readAllBytes());
            countedUses.addAndGet(batch.path("usages").size());
            countedExecutions.addAndGet(batch.path("executions").size());
            int accepted =
                    batch.path("usages").size() + batch.path("executions").size();
            answer(exchange, 202, "{\"accepted\":" + accepted + ",\"ids\":[]}");
        });
        server.createContext("/v1/analytics/usage-stats", exchange -> {
            assertThat(exchange.getRequestHeaders().getFirst("Authorization")).isEqualTo("Bearer analyst-key");
            answer(
                    exchange,
                    200,
                    "{\"total_uses\":%d,\"total_executions\":%d,\"success_rate\":94.1,\"total_cost\":12.345678901234567891}"
                            .formatted(countedUses.get(), countedExecutions.get()));
        });

        // When the demo publishes 200 executions
        boolean ok = demo(200, 4).run();

        // Then it reports what analytics counts, the exact cost included
        assertThat(ok).isTrue();
        assertThat(countedExecutions).hasValue(200);
        assertThat(output())
                .contains("accepted %,d usages and 200 executions".formatted(countedUses.get()))
                .contains("total_executions 200")
                .contains("total_cost 12.345678901234567891 USD")
                .contains("success_rate 94.1%");
    }

    private DemoTraffic demo(int executions, int concurrency) {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        var options = new DemoTraffic.Options(
                base, base, executions, 50, concurrency, Duration.ofHours(24), 5, false, Duration.ofSeconds(20));
        return new DemoTraffic(
                options, "publisher-key", "analyst-key", new PrintStream(output, true, StandardCharsets.UTF_8), false);
    }

    private String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
