package dev.promptengine.cost;

import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One cost-service on the shared real Kafka broker and a PostgreSQL database of its own, shared by
 * every integration test class that extends this (same configuration, so Spring caches one
 * context). Tests isolate themselves with model names and ids of their own.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "promptengine.instance-id=it-main",
            "promptengine.auth.keys[0].name=operator",
            "promptengine.auth.keys[0].tenant=default",
            "promptengine.auth.keys[0].role=PLATFORM_ADMIN",
            "promptengine.auth.keys[0].sha256=" + IntegrationTestBase.PLATFORM_ADMIN_HASH,
            "promptengine.auth.keys[1].name=analyst",
            "promptengine.auth.keys[1].tenant=default",
            "promptengine.auth.keys[1].role=ANALYST",
            "promptengine.auth.keys[1].sha256=" + IntegrationTestBase.ANALYST_HASH,
            "promptengine.auth.keys[2].name=acme-admin",
            "promptengine.auth.keys[2].tenant=acme",
            "promptengine.auth.keys[2].role=ADMIN",
            "promptengine.auth.keys[2].sha256=" + IntegrationTestBase.TENANT_ADMIN_HASH,
            "promptengine.pricing.aliases[0].provider=azure",
            "promptengine.pricing.aliases[0].model=it-prod-chat",
            "promptengine.pricing.aliases[0].target-provider=azure",
            "promptengine.pricing.aliases[0].target-model=gpt-4o",
            "promptengine.pricing.reported-cost.tenants.catalog-first=prefer-catalog",
            "spring.kafka.listener.concurrency=2"
        })
public abstract class IntegrationTestBase {

    public static final String PLATFORM_ADMIN_KEY = "pe_admin_secret";
    // printf %s pe_admin_secret | sha256sum
    protected static final String PLATFORM_ADMIN_HASH =
            "ebad6e6022c66bb318ff0beb34b0bfc1ad5a957e6cf127e6a867d9767d95097f";
    public static final String ANALYST_KEY = "pe_analyst_secret";
    /** An admin of one tenant: reads the shared catalog, never changes it. */
    public static final String TENANT_ADMIN_KEY = "pe_tenant_admin_secret";
    // printf %s pe_tenant_admin_secret | sha256sum
    static final String TENANT_ADMIN_HASH = "5fbbf1cbbaca182991c6e41d06949d438efe44b0d603685ca88e8e1b1a69b59b";
    static final String ANALYST_HASH = "61f9883f62e32e3308c941b94abaf5899f6a6e64b70c7b537ec9747e9809ddb6";

    protected static TestPostgres.Database database;

    @LocalServerPort
    protected int port;

    @Autowired
    protected JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        database = TestInfrastructure.kafkaAndPostgres(
                registry, "cost", dev.promptengine.access.postgres.DatabaseRole.COST);
    }

    protected record Response(int status, String contentType, JsonNode body) {}

    protected Response get(String path) {
        return send("GET", path, null, PLATFORM_ADMIN_KEY);
    }

    protected Response send(String method, String path, Object body, String key) {
        return send(port, method, path, body, key);
    }

    protected Response send(int port, String method, String path, Object body, String key) {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(
                                            body instanceof String text ? text : json.writeValueAsString(body)));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body().isBlank() ? json.nullNode() : json.readTree(response.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
