package dev.promptengine.analytics.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.AnalyticsServiceApplication;
import dev.promptengine.analytics.KnownStream;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The operator's path for a backfill that arrived too old: analytics-service with the default raw
 * retention (90 days) dead-letters a usage of 100 days ago; restarted with 120 days, a replay of
 * that dead letter counts it, once, and a second replay changes nothing.
 */
class ReplayAfterRaisingRetentionIntegrationTests {

    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final String ADMIN_KEY = "acme-admin-" + UUID.randomUUID();

    @Test
    void aDeadLetteredBackfillIsCountedExactlyOnceWhenReplayedAfterTheRetentionIsRaised() throws Exception {
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
        var database = TestPostgres.newDatabase("analytics_replay");
        String group = "analytics-" + UUID.randomUUID();
        var template = new KnownStream(1, Instant.now(), 41).usages().get(0);
        var old = PromptUsage.newBuilder(template)
                .setId(UUID.randomUUID())
                .setTenant("acme")
                .setOccurredAt(Instant.now().minus(Duration.ofDays(100)))
                .build();
        var jdbc = JdbcClient.create(database.dataSource());

        // Given: the usage is dead-lettered for being older than 90 days
        try (var service = start(database, group, 90)) {
            PoisonIsolationIntegrationTests.send(List.of(new ProducerRecord<>(
                    USAGE_TOPIC,
                    old.getId().toString(),
                    new AvroSerializer<SpecificRecord>().serialize(USAGE_TOPIC, old))));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> count(
                                    jdbc,
                                    "SELECT count(*) FROM analytics.dead_letter WHERE event_id = '" + old.getId()
                                            + "' AND reason_kind = 'outside_window'")
                            == 1);
        }

        // When: restarted with 120 days of raw retention, the admin replays it
        try (var service = start(database, group, 120)) {
            int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
            String replay = "/v1/admin/dead-letters/replay?topic=" + USAGE_TOPIC + "&since="
                    + Instant.now().minus(Duration.ofHours(1));
            assertThat(post(port, replay)).contains("\"replayed\":1");

            // Then: counted once; a second replay sends nothing
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            count(jdbc, "SELECT count(*) FROM analytics.usage_fact WHERE id = '" + old.getId() + "'")
                                    == 1);
            assertThat(post(port, replay)).contains("\"replayed\":0");
            assertThat(
                            count(
                                    jdbc,
                                    "SELECT coalesce(sum(usage_count), 0) FROM analytics.usage_rollup_daily WHERE tenant = 'acme'"))
                    .isEqualTo(1);
            assertThat(count(jdbc, "SELECT count(*) FROM analytics.dead_letter"))
                    .isEqualTo(1);
        }
    }

    private static ConfigurableApplicationContext start(TestPostgres.Database database, String group, int rawDays) {
        var properties = new LinkedHashMap<String, Object>();
        properties.put("server.port", 0);
        properties.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
        properties.put("promptengine.kafka.username", "admin");
        properties.put("promptengine.kafka.password", TestKafka.adminPassword());
        properties.put("spring.datasource.url", database.url());
        properties.put("spring.datasource.username", database.username());
        properties.put("spring.datasource.password", database.password());
        properties.put("spring.kafka.consumer.group-id", group);
        properties.put("promptengine.analytics.topics.usage", USAGE_TOPIC);
        properties.put("promptengine.analytics.topics.execution-costed", COSTED_TOPIC);
        properties.put("promptengine.analytics.retention.raw-days", rawDays);
        String[] key = {"acme-admin", "acme", "ADMIN", ADMIN_KEY};
        properties.put("promptengine.auth.keys[0].name", key[0]);
        properties.put("promptengine.auth.keys[0].tenant", key[1]);
        properties.put("promptengine.auth.keys[0].role", key[2]);
        properties.put("promptengine.auth.keys[0].sha256", FactsPipelineIntegrationTests.sha256(key[3]));
        // command-line arguments, as an operator starts it (default properties would lose to application.yml)
        return new SpringApplicationBuilder(AnalyticsServiceApplication.class)
                .run(properties.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
    }

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static String post(int port, String path) throws Exception {
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + ADMIN_KEY)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
