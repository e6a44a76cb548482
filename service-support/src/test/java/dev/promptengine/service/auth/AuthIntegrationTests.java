package dev.promptengine.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.testsupport.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = AuthIntegrationTests.App.class,
        properties = {
            "promptengine.auth.keys[0].name=acme-analyst",
            "promptengine.auth.keys[0].tenant=acme",
            "promptengine.auth.keys[0].role=ANALYST",
            "promptengine.auth.keys[0].sha256=" + AuthIntegrationTests.ANALYST_HASH,
            "promptengine.auth.keys[1].name=acme-publisher",
            "promptengine.auth.keys[1].tenant=acme",
            "promptengine.auth.keys[1].role=PUBLISHER",
            "promptengine.auth.keys[1].sha256=" + AuthIntegrationTests.PUBLISHER_HASH,
            "management.endpoints.web.exposure.include=health",
            "management.endpoint.health.show-details=always"
        })
class AuthIntegrationTests {

    static final String ANALYST_KEY = "pe_analyst_secret";
    // printf %s pe_analyst_secret | sha256sum
    static final String ANALYST_HASH = "61f9883f62e32e3308c941b94abaf5899f6a6e64b70c7b537ec9747e9809ddb6";
    static final String PUBLISHER_KEY = "pe_publisher_secret";
    // printf %s pe_publisher_secret | sha256sum
    static final String PUBLISHER_HASH = "71257bb3fa342bcc187ad843a5cfc75f87d25931be94c8ecbb9b4447b9e708b3";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafka(registry);
    }

    @Test
    void answers401WithoutAKey() throws Exception {
        var response = get("/v1/reports", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"type\":\"https://promptengine.dev/problems/unauthorized\"");
        assertThat(response.body()).contains("Missing API key");
    }

    @Test
    void answers401ForAnUnknownKey() throws Exception {
        var response = get("/v1/reports", "not-a-key");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("Unknown API key");
    }

    @Test
    void answers403ForTheWrongRole() throws Exception {
        var response = get("/v1/reports", PUBLISHER_KEY);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("Role publisher may not call this endpoint; it needs analyst or admin");
    }

    @Test
    void answers403ForAnEndpointWithoutDeclaredRoles() throws Exception {
        var response = get("/v1/undeclared", ANALYST_KEY);

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void passesTheCallersTenantToTheController() throws Exception {
        var response = get("/v1/reports", ANALYST_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("acme/acme-analyst");
    }

    @Test
    void answersCorsPreflightFromTheDashboardOriginWithoutAKey() throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/reports"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "http://127.0.0.1:8083")
                        .header("Access-Control-Request-Method", "GET")
                        .header("Access-Control-Request-Headers", "authorization")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://127.0.0.1:8083");
    }

    @Test
    void refusesCorsPreflightFromAnUnknownOrigin() throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/reports"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "http://evil.example")
                        .header("Access-Control-Request-Method", "GET")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void healthIsOpenAndReportsKafka() throws Exception {
        var response = get("/actuator/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .containsPattern(
                        "\"kafka\":\\{\"details\":\\{\"clusterId\":\"[^\"]+\",\"brokers\":1},\"status\":\"UP\"");
    }

    @Test
    void createsEveryTopicAndDeadLetterTopicOnStart() throws Exception {
        try (var admin = dev.promptengine.testsupport.TestKafka.admin()) {
            var names = admin.listTopics().names().get();

            for (var topic : dev.promptengine.schemas.Topics.ALL) {
                assertThat(names).contains(topic.name(), topic.deadLetter());
            }
            var pricing = admin.describeConfigs(java.util.List.of(new org.apache.kafka.common.config.ConfigResource(
                            org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                            dev.promptengine.schemas.Topics.PRICING.name())))
                    .all()
                    .get()
                    .values()
                    .iterator()
                    .next();
            assertThat(pricing.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootApplication
    static class App {

        @RestController
        static class Reports {

            @GetMapping("/v1/reports")
            @RequiresRole({Role.ANALYST, Role.ADMIN})
            String reports(Caller caller) {
                return caller.tenant() + "/" + caller.keyName();
            }

            @GetMapping("/v1/undeclared")
            String undeclared() {
                return "open";
            }
        }
    }
}
