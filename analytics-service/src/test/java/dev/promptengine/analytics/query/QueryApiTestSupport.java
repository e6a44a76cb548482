package dev.promptengine.analytics.query;

import dev.promptengine.analytics.AnalyticsServiceApplication;
import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.analytics.rebuild.RollupRebuilder;
import dev.promptengine.testsupport.TestInfrastructure;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Spring context (real PostgreSQL through Flyway, real Kafka) shared by every query, export and
 * audit test, with {@link TestData} loaded once, "now" fixed at {@link TestData#NOW} and API keys of
 * every role for tenants acme, globex and initech (and an analyst of hooli).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {AnalyticsServiceApplication.class, QueryApiTestSupport.FixedClock.class})
public abstract class QueryApiTestSupport {

    public static final String ACME_ANALYST = "acme-analyst-key";
    public static final String ACME_ADMIN = "acme-admin-key";
    public static final String ACME_PUBLISHER = "acme-publisher-key";
    public static final String GLOBEX_ANALYST = "globex-analyst-key";
    public static final String GLOBEX_ADMIN = "globex-admin-key";
    public static final String INITECH_ANALYST = "initech-analyst-key";
    /** Tenant hooli: generated data of the summary-rollup tests ({@code SummaryRollupsIntegrationTests}). */
    public static final String HOOLI_ANALYST = "hooli-analyst-key";
    /** The operator: cross-tenant operations such as the rollup rebuild. */
    public static final String PLATFORM_ADMIN = "platform-admin-key";

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static volatile boolean loaded;

    @TestConfiguration(proxyBeanMethods = false)
    static class FixedClock {
        @Bean
        @Primary
        Clock testClock() {
            return Clock.fixed(TestData.NOW, ZoneOffset.UTC);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafkaAndPostgres(
                registry, "analytics_query", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        String[][] keys = {
            {"acme-analyst", "acme", "ANALYST", ACME_ANALYST},
            {"acme-admin", "acme", "ADMIN", ACME_ADMIN},
            {"acme-publisher", "acme", "PUBLISHER", ACME_PUBLISHER},
            {"globex-analyst", "globex", "ANALYST", GLOBEX_ANALYST},
            {"globex-admin", "globex", "ADMIN", GLOBEX_ADMIN},
            {"initech-analyst", "initech", "ANALYST", INITECH_ANALYST},
            {"hooli-analyst", "hooli", "ANALYST", HOOLI_ANALYST},
            {"operator", "operations", "PLATFORM_ADMIN", PLATFORM_ADMIN},
        };
        TestInfrastructure.apiKeys(registry, keys);
        // no cost-service listens there: a re-pricing that gets past validation fails as it would in production
        registry.add("promptengine.repricing.pricing-url", () -> "http://127.0.0.1:" + UNREACHABLE_PRICING_PORT);
    }

    /** A port nothing listens on, for the pricing URL (re-pricing's quotes). */
    protected static final int UNREACHABLE_PRICING_PORT = dev.promptengine.testsupport.TestKafka.freePort();

    @LocalServerPort
    protected int port;

    /** The write path's pool (the schema's owner): fixtures write facts, which the query API's role may not. */
    protected JdbcClient jdbc;

    @Autowired
    void writePool(dev.promptengine.analytics.WritePool pool) {
        this.jdbc = pool.jdbc();
    }

    @Autowired
    private PartitionManager partitions;

    @Autowired
    private RollupRebuilder rebuilder;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void loadTestDataOnce() {
        if (!loaded) {
            synchronized (QueryApiTestSupport.class) {
                if (!loaded) {
                    TestData.load(fixture());
                    loaded = true;
                }
            }
        }
    }

    protected AnalyticsFixture fixture() {
        return new AnalyticsFixture(jdbc, partitions, rebuilder);
    }

    protected record Response(int status, String contentType, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    public static Map<String, String> params(String... nameValues) {
        var map = new LinkedHashMap<String, String>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], nameValues[i + 1]);
        }
        return map;
    }

    protected Response get(String path, String key) {
        return get(path, Map.of(), key);
    }

    protected Response get(String path, Map<String, String> query, String key) {
        var uri = new StringBuilder("http://127.0.0.1:" + port + path);
        String separator = "?";
        for (var entry : query.entrySet()) {
            uri.append(separator)
                    .append(entry.getKey())
                    .append('=')
                    .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
            separator = "&";
        }
        var request = HttpRequest.newBuilder(URI.create(uri.toString()));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + uri + " failed", e);
        }
    }

    protected Response postJson(String path, String body, String key) {
        return send(
                "POST",
                path,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                key);
    }

    protected Response delete(String path, String key) {
        return send(
                "DELETE",
                path,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .DELETE(),
                key);
    }

    private Response send(String method, String path, HttpRequest.Builder request, String key) {
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }
}
