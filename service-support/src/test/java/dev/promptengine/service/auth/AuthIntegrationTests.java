package dev.promptengine.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.testsupport.TestInfrastructure;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
            "promptengine.auth.keys[2].name=acme-admin",
            "promptengine.auth.keys[2].tenant=acme",
            "promptengine.auth.keys[2].role=ADMIN",
            "promptengine.auth.keys[2].sha256=" + AuthIntegrationTests.ADMIN_HASH,
            "management.endpoints.web.exposure.include=health,info,prometheus",
            "management.endpoint.health.show-details=when-authorized",
            "management.endpoint.health.roles=ADMIN,PLATFORM_ADMIN"
        })
class AuthIntegrationTests {

    static final String ANALYST_KEY = "pe_analyst_secret";
    // printf %s pe_analyst_secret | sha256sum
    static final String ANALYST_HASH = "61f9883f62e32e3308c941b94abaf5899f6a6e64b70c7b537ec9747e9809ddb6";
    static final String PUBLISHER_KEY = "pe_publisher_secret";
    // printf %s pe_publisher_secret | sha256sum
    static final String PUBLISHER_HASH = "71257bb3fa342bcc187ad843a5cfc75f87d25931be94c8ecbb9b4447b9e708b3";

    static final String ADMIN_KEY = "pe_admin_secret";
    // printf %s pe_admin_secret | sha256sum
    static final String ADMIN_HASH = "ebad6e6022c66bb318ff0beb34b0bfc1ad5a957e6cf127e6a867d9767d95097f";

    /** Every way of spelling the protected {@code /v1/reports} that decoding or normalisation could change. */
    static final List<String> SPELLINGS_OF_REPORTS = List.of(
            "/%761/reports",
            "/v1/%72eports",
            "/V1/reports",
            "/v1/reports/",
            "/v1/reports;x=1",
            "/v1;x/reports",
            "/v1/;/reports",
            "//v1/reports",
            "/v1//reports",
            "/./v1/reports",
            "/v1/./reports",
            "/x/../v1/reports",
            "/v1/x/%2e%2e/reports",
            "/v1%2Freports",
            "/v1%2freports",
            "/v1/reports%00",
            "/v1/reports%2500",
            "/v1\\reports",
            "/actuator/health/../../v1/reports",
            "/actuator/health/..%2F..%2Fv1/reports",
            "/js/..;/v1/reports",
            "/css/%2e%2e/v1/reports",
            "/v1/reports%3Bx",
            "/v1/reports%20",
            "/v1/reports.json",
            "/unmapped",
            "/actuator/prometheus",
            "/actuator/info",
            "/%61ctuator/prometheus",
            "/actuator/prometheus/");

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
    void healthIsOpenButOnlyAnAdminKeySeesItsDetails() throws Exception {
        var open = get("/actuator/health", null);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body())
                .contains("\"status\":\"UP\"")
                .doesNotContain("kafka")
                .doesNotContain("brokers");
        var analyst = get("/actuator/health", ANALYST_KEY);
        assertThat(analyst.statusCode()).isEqualTo(200);
        assertThat(analyst.body()).doesNotContain("brokers");

        var admin = get("/actuator/health", ADMIN_KEY);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body())
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
            var apiKeys = admin.describeConfigs(java.util.List.of(new org.apache.kafka.common.config.ConfigResource(
                            org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                            dev.promptengine.schemas.Topics.API_KEYS.name())))
                    .all()
                    .get()
                    .values()
                    .iterator()
                    .next();
            assertThat(apiKeys.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(names).doesNotContain(dev.promptengine.schemas.Topics.API_KEYS.deadLetter());
        }
    }

    @Test
    void everySpellingOfAProtectedPathWithoutAKeyIsRefusedNeverServed() throws Exception {
        for (String path : SPELLINGS_OF_REPORTS) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
                int status = rawStatus(method, path, null);

                assertThat(status).as("%s %s without a key", method, path).isIn(400, 401, 403, 404, 405);
            }
        }
    }

    @Test
    void everySpellingWithAPublisherKeyIsRefusedNeverServed() throws Exception {
        for (String path : SPELLINGS_OF_REPORTS) {
            int status = rawStatus("GET", path, PUBLISHER_KEY);

            assertThat(status).as("GET %s with a publisher key", path).isIn(400, 401, 403, 404, 405);
        }
    }

    @Test
    void percentEncodedUnreservedCharactersAnswer400NamingTheProblem() throws Exception {
        var response = get("/%761/reports", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body())
                .contains("\"type\":\"https://promptengine.dev/problems/non-canonical-path\"")
                .contains("percent-encodes a character that must be sent as is ('v' as %76)");
    }

    @Test
    void unmappedPathsNeedAKeyToo() throws Exception {
        assertThat(get("/unmapped", null).statusCode()).isEqualTo(401);
        assertThat(get("/unmapped", ANALYST_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void actuatorEndpointsBeyondHealthNeedAnAdminKey() throws Exception {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/info", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/info", ANALYST_KEY).statusCode()).isEqualTo(403);

        // (this test application has no Prometheus registry; info shows the admin passes)
        assertThat(get("/actuator/info", ADMIN_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void theCanonicalSpellingStillWorks() throws Exception {
        assertThat(rawStatus("GET", "/v1/reports", ANALYST_KEY)).isEqualTo(200);
    }

    /** Sends the request line exactly as spelled: no client-side normalisation of the path. */
    private int rawStatus(String method, String path, String key) throws Exception {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            var request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                    + (method.equals("GET") || method.equals("DELETE")
                            ? ""
                            : "Content-Type: application/json\r\nContent-Length: 2\r\n")
                    + "\r\n"
                    + (method.equals("GET") || method.equals("DELETE") ? "" : "{}");
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            var reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String statusLine = reader.readLine();
            assertThat(statusLine).as("status line for %s %s", method, path).startsWith("HTTP/1.1 ");
            return Integer.parseInt(statusLine.substring(9, 12));
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

            @org.springframework.web.bind.annotation.PostMapping("/v1/reports")
            @RequiresRole(Role.ANALYST)
            String createReport(Caller caller) {
                return "created for " + caller.tenant();
            }

            @GetMapping("/v1/undeclared")
            String undeclared() {
                return "open";
            }
        }
    }
}
