package dev.promptengine.analytics.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.AnalyticsServiceApplication;
import dev.promptengine.analytics.MutableClock;
import dev.promptengine.service.auth.ApiKeys;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keys managed through {@code /v1/admin/keys} on one analytics-service instance take effect on a
 * second running instance (its own context, no scheduling, so it relays nothing itself: it learns
 * keys only from the topic) within seconds: creation, rotation with its overlap, revocation. Both
 * share one clock the test moves forward, to end an overlap.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {AnalyticsServiceApplication.class, ApiKeyManagementIntegrationTests.Clocks.class})
class ApiKeyManagementIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyManagementIntegrationTests.class);
    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final String ACME_ADMIN = "acme-admin-" + UUID.randomUUID();
    static final String ACME_ANALYST = "acme-analyst-" + UUID.randomUUID();
    static final String PLATFORM_ADMIN = "platform-admin-" + UUID.randomUUID();
    static final MutableClock CLOCK = new MutableClock();
    static final Duration WITHIN = Duration.ofSeconds(15);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String CHECKED = "/v1/analytics/usage-stats";

    static TestPostgres.Database database;
    static ConfigurableApplicationContext second;
    static int secondPort;

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
        database = TestInfrastructure.kafkaAndPostgres(
                registry, "analytics_keys", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        registry.add("promptengine.analytics.topics.usage", () -> USAGE_TOPIC);
        registry.add("promptengine.analytics.topics.execution-costed", () -> COSTED_TOPIC);
        registry.add("spring.kafka.consumer.group-id", () -> "analytics-" + UUID.randomUUID());
        String[][] keys = {
            {"acme-admin", "acme", "ADMIN", ACME_ADMIN},
            {"acme-analyst", "acme", "ANALYST", ACME_ANALYST},
            {"operator", "operations", "PLATFORM_ADMIN", PLATFORM_ADMIN},
        };
        TestInfrastructure.apiKeys(registry, keys);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    /** The second instance: same database and broker, only the operator's key from configuration. */
    @BeforeEach
    void startSecondInstanceOnce() {
        if (second != null) {
            return;
        }
        var args = new ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--spring.kafka.consumer.group-id=analytics-" + UUID.randomUUID(),
                "--promptengine.analytics.topics.usage=" + USAGE_TOPIC,
                "--promptengine.analytics.topics.execution-costed=" + COSTED_TOPIC,
                "--promptengine.analytics.scheduling=false",
                "--spring.main.banner-mode=off",
                "--promptengine.auth.keys[0].name=operator",
                "--promptengine.auth.keys[0].tenant=operations",
                "--promptengine.auth.keys[0].role=PLATFORM_ADMIN",
                "--promptengine.auth.keys[0].sha256=" + ApiKeys.sha256Hex(PLATFORM_ADMIN)));
        second = new SpringApplicationBuilder(AnalyticsServiceApplication.class, Clocks.class)
                .run(args.toArray(String[]::new));
        secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
            second = null;
        }
    }

    @Test
    void aKeyCreatedOnOneInstanceWorksOnASecondWithinSecondsAndIsRefusedThereWithinSecondsOfItsRevocation() {
        // Given: no instance knows the key yet
        // When: the platform admin creates an analyst key of acme on the first instance
        var created = send("POST", port, "/v1/admin/keys", PLATFORM_ADMIN, body("acme", "analyst", "ci pipeline"));
        long createdAt = System.nanoTime();

        // Then: the answer holds the raw key once, and the second instance accepts it within seconds
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = created.json().get("key").asString();
        assertThat(key).startsWith("pe_").hasSize(46);
        assertThat(created.json().get("prefix").asString()).isEqualTo(key.substring(0, 11));
        assertThat(created.json().get("tenant").asString()).isEqualTo("acme");
        assertThat(created.json().get("role").asString()).isEqualTo("analyst");
        assertThat(created.json().get("created_by").asString()).isEqualTo("operator");
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> status(secondPort, key) == 200);
        log.info("Created key accepted by the second instance after {} ms", millisSince(createdAt));
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> status(port, key) == 200);

        // When: the tenant's admin revokes it on the first instance
        var revoked = send("DELETE", port, "/v1/admin/keys/" + id(created), ACME_ADMIN, null);
        long revokedAt = System.nanoTime();

        // Then: both instances refuse it within seconds, without a restart
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("revoked_at").isNull()).isFalse();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> status(secondPort, key) == 401);
        log.info("Revoked key refused by the second instance after {} ms", millisSince(revokedAt));
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> status(port, key) == 401);
        assertThat(send("DELETE", port, "/v1/admin/keys/" + id(created), ACME_ADMIN, null)
                        .status())
                .isEqualTo(409);
    }

    /**
     * The relay held off (its advisory lock taken by the test, as if it could not publish): the
     * revocation is committed and stays pending, every instance keeps the state it last read, and
     * once the relay can publish again the revocation reaches every instance without a restart.
     */
    @Test
    void aRevocationTheRelayCannotPublishYetStaysPendingAndReachesEveryInstanceOnceItCan() throws Exception {
        var created = send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "analyst", "held"));
        String key = created.json().get("key").asString();
        awaitOnBothInstances(key, 200);

        try (var connection = database.dataSource().getConnection()) {
            // Given: no instance can relay
            try (var lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, ApiKeyRelay.RELAY_LOCK);
                lock.execute();
            }
            Thread.sleep(1500); // a relay run that started before the lock has finished

            // When: the key is revoked
            var revoked = send("DELETE", port, "/v1/admin/keys/" + id(created), ACME_ADMIN, null);
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);

            // Then: the revocation is stored and pending; the instances still have the old state
            Thread.sleep(3000); // three relay intervals in which nothing may be published
            assertThat(jdbc.sql("SELECT published_version < version FROM api_key WHERE id = CAST(:id AS uuid)")
                            .param("id", id(created))
                            .query(Boolean.class)
                            .single())
                    .isTrue();
            assertThat(status(secondPort, key)).isEqualTo(200);
            try (var unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, ApiKeyRelay.RELAY_LOCK);
                unlock.execute();
            }
        }

        // And: once the relay can publish, every instance refuses the key within seconds
        awaitOnBothInstances(key, 401);
        assertThat(jdbc.sql("SELECT published_version = version FROM api_key WHERE id = CAST(:id AS uuid)")
                        .param("id", id(created))
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void aRotatedKeyWorksDuringTheOverlapAndIsRefusedEverywhereAfterIt() {
        // Given: an acme analyst key, known to the second instance
        var created = send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "analyst", "dashboard"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String oldKey = created.json().get("key").asString();
        awaitOnBothInstances(oldKey, 200);

        // When: it is rotated with an overlap of one hour
        Instant rotatedAt = CLOCK.instant();
        var rotated = send("POST", port, "/v1/admin/keys/" + id(created) + "/rotate?overlap=PT1H", ACME_ADMIN, null);

        // Then: the new key works on the second instance, and so does the old one during the overlap
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        String newKey = rotated.json().get("key").asString();
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(rotated.json().get("name").asString()).isEqualTo("dashboard");
        awaitOnBothInstances(newKey, 200);
        var old = send("GET", port, "/v1/admin/keys/" + id(created), ACME_ADMIN, null)
                .json();
        assertThat(old.get("replaced_by").asString()).isEqualTo(id(rotated));
        assertThat(Duration.between(
                        rotatedAt, Instant.parse(old.get("expires_at").asString())))
                .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        assertThat(status(secondPort, oldKey)).isEqualTo(200);
        assertThat(status(port, oldKey)).isEqualTo(200);
        assertThat(send("POST", port, "/v1/admin/keys/" + id(created) + "/rotate", ACME_ADMIN, null)
                        .status())
                .as("a rotated key is not rotated twice")
                .isEqualTo(409);

        // When: the overlap is over
        CLOCK.advance(Duration.ofMinutes(61));

        // Then: the old key is refused on both instances, the new one works
        assertThat(status(secondPort, oldKey)).isEqualTo(401);
        assertThat(status(port, oldKey)).isEqualTo(401);
        assertThat(status(secondPort, newKey)).isEqualTo(200);
        assertThat(status(port, newKey)).isEqualTo(200);
    }

    @Test
    void theListShowsPrefixAndTimesButNeverTheRawKeyOrItsHash() {
        var created = send("POST", port, "/v1/admin/keys", ACME_ADMIN, body("acme", "publisher", "checkout"));
        String key = created.json().get("key").asString();
        String hash = ApiKeys.sha256Hex(key);

        var asAdmin = send("GET", port, "/v1/admin/keys", ACME_ADMIN, null);
        var asOperator = send("GET", port, "/v1/admin/keys?tenant=acme", PLATFORM_ADMIN, null);
        var one = send("GET", port, "/v1/admin/keys/" + id(created), ACME_ADMIN, null);
        var onSecond = send("GET", secondPort, "/v1/admin/keys", PLATFORM_ADMIN, null);

        for (var response : List.of(asAdmin, asOperator, one, onSecond)) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.body())
                    .contains(id(created))
                    .contains(key.substring(0, 11))
                    .doesNotContain(key)
                    .doesNotContain(hash)
                    .doesNotContain("sha256");
        }
        var listed = entry(asAdmin.json().get("keys"), id(created));
        assertThat(listed.get("name").asString()).isEqualTo("checkout");
        assertThat(listed.get("role").asString()).isEqualTo("publisher");
        assertThat(listed.get("created_by").asString()).isEqualTo("acme-admin");
        assertThat(listed.has("created_at")).isTrue();
        assertThat(listed.get("expires_at").isNull()).isTrue();
        assertThat(listed.get("revoked_at").isNull()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE filters::text LIKE :raw OR filters::text LIKE :hash")
                        .param("raw", "%" + key.substring(11) + "%")
                        .param("hash", "%" + hash + "%")
                        .query(Long.class)
                        .single())
                .as("audit entries holding the key or its hash")
                .isZero();
        assertThat(jdbc.sql("SELECT sha256 FROM api_key WHERE id = CAST(:id AS uuid)")
                        .param("id", id(created))
                        .query(String.class)
                        .single())
                .isEqualTo(hash);
    }

    @Test
    void aTenantAdminManagesOnlyItsOwnTenantsKeysAndNeverPlatformAdminKeys() {
        // Given: the platform admin created a globex key and a platform-admin key in tenant acme
        var globex = send("POST", port, "/v1/admin/keys", PLATFORM_ADMIN, body("globex", "analyst", "globex ci"));
        var operator = send("POST", port, "/v1/admin/keys", PLATFORM_ADMIN, body("acme", "platform_admin", "ops"));
        assertThat(globex.status()).isEqualTo(201);
        assertThat(operator.status()).isEqualTo(201);

        // Then: acme's admin can neither create such keys nor see or touch them
        var otherTenant = send("POST", port, "/v1/admin/keys", ACME_ADMIN, body("globex", "analyst", "x"));
        assertThat(otherTenant.status()).isEqualTo(403);
        assertThat(otherTenant.json().get("parameter").asString()).isEqualTo("tenant");
        var platformKey = send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "platform_admin", "x"));
        assertThat(platformKey.status()).isEqualTo(403);
        assertThat(platformKey.json().get("parameter").asString()).isEqualTo("role");
        assertThat(send("GET", port, "/v1/admin/keys?tenant=globex", ACME_ADMIN, null)
                        .status())
                .isEqualTo(403);
        var list = send("GET", port, "/v1/admin/keys", ACME_ADMIN, null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(id(globex)).doesNotContain(id(operator));
        for (String id : List.of(id(globex), id(operator))) {
            assertThat(send("GET", port, "/v1/admin/keys/" + id, ACME_ADMIN, null)
                            .status())
                    .isEqualTo(404);
            assertThat(send("POST", port, "/v1/admin/keys/" + id + "/rotate", ACME_ADMIN, null)
                            .status())
                    .isEqualTo(404);
            assertThat(send("DELETE", port, "/v1/admin/keys/" + id, ACME_ADMIN, null)
                            .status())
                    .isEqualTo(404);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM api_key WHERE id IN (CAST(:a AS uuid), CAST(:b AS uuid))"
                                + " AND revoked_at IS NULL AND replaced_by IS NULL")
                        .param("a", id(globex))
                        .param("b", id(operator))
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        // and without the admin role, or without a key, nothing at all
        assertThat(send("GET", port, "/v1/admin/keys", ACME_ANALYST, null).status())
                .isEqualTo(403);
        String globexKey = globex.json().get("key").asString();
        await().atMost(WITHIN).until(() -> status(port, globexKey) == 200);
        assertThat(send("GET", port, "/v1/admin/keys", globexKey, null).status())
                .isEqualTo(403);
        assertThat(send("GET", port, "/v1/admin/keys", null, null).status()).isEqualTo(401);
        assertThat(send("POST", port, "/v1/admin/keys", null, body("acme", "admin", "x"))
                        .status())
                .isEqualTo(401);
        assertThat(send("DELETE", secondPort, "/v1/admin/keys/" + id(globex), null, null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void everyKeyActionIsInTheAuditTrailWithTheCallerTheTenantAndBeforeAndAfter() {
        // When: acme's admin creates, rotates, revokes, lists and reads; the operator creates a globex key
        var created = send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "analyst", "audited"));
        var rotated = send("POST", port, "/v1/admin/keys/" + id(created) + "/rotate?overlap=PT5M", ACME_ADMIN, null);
        var revoked = send("DELETE", port, "/v1/admin/keys/" + id(rotated), ACME_ADMIN, null);
        send("GET", port, "/v1/admin/keys", ACME_ADMIN, null);
        send("GET", port, "/v1/admin/keys/" + id(created), ACME_ADMIN, null);
        var globex = send("POST", port, "/v1/admin/keys", PLATFORM_ADMIN, body("globex", "publisher", "audited"));
        assertThat(List.of(created.status(), rotated.status(), revoked.status(), globex.status()))
                .containsExactly(201, 201, 200, 201);

        // Then: one entry per change, in the tenant's trail, with the caller and the key before and after
        record Entry(String tenant, String keyName, String role, String endpoint, JsonNode details) {}
        var entries = jdbc.sql("""
                        SELECT tenant, key_name, role, endpoint, filters::text AS details FROM audit_log
                        WHERE filters->>'key_id' IN (:ids) ORDER BY id
                        """)
                .param("ids", List.of(id(created), id(rotated), id(globex)))
                .query((rs, n) -> new Entry(
                        rs.getString("tenant"),
                        rs.getString("key_name"),
                        rs.getString("role"),
                        rs.getString("endpoint"),
                        JSON.readTree(rs.getString("details"))))
                .list();
        assertThat(entries)
                .extracting(Entry::endpoint)
                .containsExactly(
                        "POST /v1/admin/keys",
                        "POST /v1/admin/keys/{id}/rotate",
                        "POST /v1/admin/keys/{id}/rotate",
                        "DELETE /v1/admin/keys/{id}",
                        "GET /v1/admin/keys/{id}",
                        "POST /v1/admin/keys");
        assertThat(entries.subList(0, 5)).allSatisfy(entry -> {
            assertThat(entry.tenant()).isEqualTo("acme");
            assertThat(entry.keyName()).isEqualTo("acme-admin");
            assertThat(entry.role()).isEqualTo("admin");
            assertThat(entry.details().get("caller_key_id").asString()).isEqualTo("config:acme-admin");
        });
        var create = entries.get(0).details();
        assertThat(create.get("before").isNull()).isTrue();
        assertThat(create.get("after").get("role").asString()).isEqualTo("analyst");
        var rotation = entries.get(1).details();
        assertThat(rotation.get("key_id").asString()).isEqualTo(id(created));
        assertThat(rotation.get("before").get("expires_at").isNull()).isTrue();
        assertThat(rotation.get("after").get("expires_at").isNull()).isFalse();
        assertThat(rotation.get("after").get("replaced_by").asString()).isEqualTo(id(rotated));
        assertThat(entries.get(2).details().get("key_id").asString()).isEqualTo(id(rotated));
        var revocation = entries.get(3).details();
        assertThat(revocation.get("before").get("revoked_at").isNull()).isTrue();
        assertThat(revocation.get("after").get("revoked_at").isNull()).isFalse();
        assertThat(entries.get(5).tenant()).isEqualTo("globex");
        assertThat(entries.get(5).keyName()).isEqualTo("operator");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE endpoint = 'GET /v1/admin/keys' AND tenant = 'acme'"
                                + " AND key_name = 'acme-admin'")
                        .query(Long.class)
                        .single())
                .isPositive();
    }

    @Test
    void invalidInputAnswers400NamingTheFieldAndItsLimitAndChangesNothing() {
        var existing = send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "analyst", "kept"));
        long before = rows();

        assertInvalid(
                send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "analyst", null)), "name", "required");
        assertInvalid(
                send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "analyst", "n".repeat(101))),
                "name",
                "at most 100 characters");
        assertInvalid(send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, "root", "x")), "role", "'root'");
        assertInvalid(send("POST", port, "/v1/admin/keys", ACME_ADMIN, body(null, null, "x")), "role", "required");
        assertInvalid(
                send("POST", port, "/v1/admin/keys", PLATFORM_ADMIN, body(null, "analyst", "x")), "tenant", "required");
        assertInvalid(
                send("POST", port, "/v1/admin/keys", PLATFORM_ADMIN, body("a b", "analyst", "x")), "tenant", "1 to 64");
        assertInvalid(send("POST", port, "/v1/admin/keys", ACME_ADMIN, "not json"), "body", "JSON");
        String rotate = "/v1/admin/keys/" + id(existing) + "/rotate?overlap=";
        assertInvalid(send("POST", port, rotate + "P31D", ACME_ADMIN, null), "overlap", "30 days");
        assertInvalid(send("POST", port, rotate + "-PT1H", ACME_ADMIN, null), "overlap", "PT0S");
        assertInvalid(send("POST", port, rotate + "tomorrow", ACME_ADMIN, null), "overlap", "ISO-8601");
        assertInvalid(send("DELETE", port, "/v1/admin/keys/not-a-uuid", ACME_ADMIN, null), "id", "UUID");

        assertThat(rows()).isEqualTo(before);
        var kept = send("GET", port, "/v1/admin/keys/" + id(existing), ACME_ADMIN, null)
                .json();
        assertThat(kept.get("replaced_by").isNull()).isTrue();
        assertThat(kept.get("expires_at").isNull()).isTrue();
        // keys from configuration are the bootstrap: not managed here, so not found, and they keep working
        assertThat(send("DELETE", port, "/v1/admin/keys/" + UUID.randomUUID(), PLATFORM_ADMIN, null)
                        .status())
                .isEqualTo(404);
        assertThat(status(port, ACME_ANALYST)).isEqualTo(200);
    }

    private void awaitOnBothInstances(String key, int status) {
        await().atMost(WITHIN).until(() -> status(secondPort, key) == status && status(port, key) == status);
    }

    private void assertInvalid(Response response, String field, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("https://promptengine.dev/problems/invalid-parameter");
        assertThat(problem.get("parameter").asString()).isEqualTo(field);
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    private long rows() {
        return jdbc.sql("SELECT count(*) FROM api_key").query(Long.class).single();
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private static String body(String tenant, String role, String name) {
        var node = JSON.createObjectNode();
        if (tenant != null) {
            node.put("tenant", tenant);
        }
        if (role != null) {
            node.put("role", role);
        }
        if (name != null) {
            node.put("name", name);
        }
        return node.toString();
    }

    private static String id(Response created) {
        return created.json().get("id").asString();
    }

    private static JsonNode entry(JsonNode keys, String id) {
        for (var key : keys) {
            if (key.get("id").asString().equals(id)) {
                return key;
            }
        }
        throw new AssertionError("key " + id + " not listed in " + keys);
    }

    private int status(int port, String key) {
        return send("GET", port, CHECKED, key, null).status();
    }

    private Response send(String method, int port, String path, String key, String body) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
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
            throw new IllegalStateException(method + " " + path, e);
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
