package dev.promptengine.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.postgres.DatabaseRole;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The walking skeleton, end to end: events posted over HTTP to ingest-service reach Kafka, are
 * priced by cost-service and counted by analytics-service, each running as its own process from its
 * executable jar on the real broker and database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIntegrationTests {

    private static final String PUBLISHER_KEY = "pe_pub_" + UUID.randomUUID();
    private static final String ANALYST_KEY = "pe_ana_" + UUID.randomUUID();
    private static final String TENANT = "e2e";

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<ServiceProcess> services = new ArrayList<>();
    private ServiceProcess ingest;
    private ServiceProcess analytics;

    @BeforeAll
    void startPipeline() throws Exception {
        // one database as in the local stack: each service logs in as its own role and, on Kafka, as
        // its own principal, so the pipeline runs with exactly the access it has in production
        var cost = TestPostgres.newDatabase("e2e", DatabaseRole.COST);
        var analyticsDatabase = TestPostgres.newDatabase(cost, DatabaseRole.ANALYTICS);
        List<String> infrastructure = List.of(
                "--promptengine.auth.keys[0].name=e2e-publisher",
                "--promptengine.auth.keys[0].tenant=" + TENANT,
                "--promptengine.auth.keys[0].role=PUBLISHER",
                "--promptengine.auth.keys[0].sha256=" + sha256(PUBLISHER_KEY),
                "--promptengine.auth.keys[1].name=e2e-analyst",
                "--promptengine.auth.keys[1].tenant=" + TENANT,
                "--promptengine.auth.keys[1].role=ANALYST",
                "--promptengine.auth.keys[1].sha256=" + sha256(ANALYST_KEY));
        ingest = start("ingest-service", with(infrastructure, TestKafka.springArguments(KafkaUser.INGEST)));
        start("cost-service", with(infrastructure, TestKafka.springArguments(KafkaUser.COST), database(cost)));
        analytics = start(
                "analytics-service",
                with(infrastructure, TestKafka.springArguments(KafkaUser.ANALYTICS), database(analyticsDatabase)));
        for (var service : services) {
            service.awaitHealthy(Duration.ofSeconds(180));
        }
    }

    @SafeVarargs
    private static List<String> with(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }

    private static List<String> database(TestPostgres.Database database) {
        return List.of(
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password());
    }

    @AfterAll
    void stopPipeline() throws Exception {
        for (var service : services) {
            service.close();
        }
    }

    @Test
    void eventsPostedOverHttpAreCountedAndPricedByAnalyticsExactlyOnce() throws Exception {
        // given a usage and its execution: 1,000 input and 500 output tokens on gpt-4o-mini (0.15 / 0.60 per 1M)
        var usageId = UUID.randomUUID();
        var executionId = UUID.randomUUID();
        Instant occurredAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        String batch = """
                {"usages": [{"id": "%s", "occurred_at": "%s", "prompt_slug": "welcome-email", "prompt_version": 2,
                             "environment": "production", "rendered_content": "Hello Ada"}],
                 "executions": [{"id": "%s", "usage_id": "%s", "occurred_at": "%s", "prompt_slug": "welcome-email",
                                 "prompt_version": 2, "environment": "production", "provider": "openai",
                                 "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 500,
                                 "execution_time_ms": 840, "status": "success", "response_content": "Hi"}]}
                """.formatted(usageId, occurredAt, executionId, usageId, occurredAt);

        // when it is posted twice (a client retry)
        for (int attempt = 0; attempt < 2; attempt++) {
            var response = post("/v1/events", batch);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(json.readTree(response.body()).get("accepted").asInt()).isEqualTo(2);
        }

        // then analytics counts it once, with its exact cost
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode stats = usageStats(
                            occurredAt.minus(1, ChronoUnit.HOURS), Instant.now().plusSeconds(60));
                    assertThat(stats.get("total_uses").asLong()).isEqualTo(1);
                    assertThat(stats.get("total_executions").asLong()).isEqualTo(1);
                    assertThat(new BigDecimal(stats.get("total_cost").asString()))
                            .isEqualByComparingTo("0.00045");
                });
    }

    private ServiceProcess start(String module, List<String> arguments) throws Exception {
        var service = ServiceProcess.start(module, arguments);
        services.add(service);
        return service;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(ingest.uri(path))
                        .header("Authorization", "Bearer " + PUBLISHER_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode usageStats(Instant from, Instant to) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(analytics.uri("/v1/analytics/usage-stats?from=" + from + "&to=" + to))
                        .header("Authorization", "Bearer " + ANALYST_KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes()));
    }
}
