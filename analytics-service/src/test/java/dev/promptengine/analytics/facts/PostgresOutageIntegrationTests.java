package dev.promptengine.analytics.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.KnownStream;
import dev.promptengine.analytics.RollupChecks;
import dev.promptengine.testsupport.RestartablePostgres;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL stopped for 30 s under steady load, then turned read-only (as a full disk or a
 * failover to a standby leaves it): the consumer pauses with backoff (no dead letters: an outage is
 * not the data's fault), resumes by itself when the database is back, and the totals equal the
 * known input exactly, nothing lost and nothing counted twice.
 */
@SpringBootTest
@DirtiesContext // its database is gone after this class: no other class may reuse the context
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresOutageIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(PostgresOutageIntegrationTests.class);
    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final KnownStream STREAM = new KnownStream(1_200, Instant.now(), 23);
    static RestartablePostgres postgres;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafka(registry);
        postgres = RestartablePostgres.start();
        registry.add("spring.datasource.url", postgres::jdbcUrl);
        registry.add("spring.datasource.username", postgres::username);
        registry.add("spring.datasource.password", postgres::password);
        ConsumedTopics.register(registry, USAGE_TOPIC, COSTED_TOPIC);
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
    }

    @AfterAll
    static void stopDatabase() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Test
    @Order(2)
    void treatsAReadOnlyDatabaseAsAnOutageNotAsPoison() throws Exception {
        var stream = new KnownStream(400, Instant.now(), 29);
        // the database turns read-only (as a full disk or a failover to a standby would leave it)
        try (var connection = java.sql.DriverManager.getConnection(
                        postgres.jdbcUrl(), postgres.username(), postgres.password());
                var statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            statement.execute("SELECT pg_reload_conf()");
        }
        double before = meters.get("promptengine.analytics.batches.retried")
                .tag("reason", "outage")
                .counter()
                .count();
        PoisonIsolationIntegrationTests.send(stream.records(USAGE_TOPIC, COSTED_TOPIC, 0.0));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> meters.get("promptengine.analytics.batches.retried")
                                .tag("reason", "outage")
                                .counter()
                                .count()
                        > before);

        // when it is writable again, consumption resumes by itself: every event once, none dead-lettered
        try (var connection = java.sql.DriverManager.getConnection(
                        postgres.jdbcUrl(), postgres.username(), postgres.password());
                var statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM RESET default_transaction_read_only");
            statement.execute("SELECT pg_reload_conf()");
        }
        // (runs after the stop test, whose stream is counted already)
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(jdbc.sql("SELECT count(*) FROM usage_fact")
                            .query(Long.class)
                            .single())
                    .isEqualTo(STREAM.usages().size() + stream.usages().size());
            assertThat(jdbc.sql("SELECT count(*) FROM execution_fact")
                            .query(Long.class)
                            .single())
                    .isEqualTo(STREAM.executions().size() + stream.executions().size());
        });
        assertThat(jdbc.sql("SELECT count(*) FROM dead_letter")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    @Order(1)
    void pausesWhileTheDatabaseIsDownResumesByItselfAndCountsExactlyOnce() throws Exception {
        List<ProducerRecord<String, byte[]>> records = STREAM.records(USAGE_TOPIC, COSTED_TOPIC, 0.1);
        int third = records.size() / 3;
        try (var producer = FactsPipelineIntegrationTests.producer()) {
            // Given: counting works
            records.subList(0, third).forEach(producer::send);
            producer.flush();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> RollupChecks.count(jdbc, "usage_fact", "acme")
                                    + RollupChecks.count(jdbc, "usage_fact", "globex")
                            > 0);

            // When: the database goes away for 30 s while events keep arriving
            postgres.stop();
            long outageStarted = System.nanoTime();
            records.subList(third, 2 * third).forEach(producer::send);
            producer.flush();
            Thread.sleep(15_000); // steady load through the outage
            records.subList(2 * third, records.size()).forEach(producer::send);
            producer.flush();
            Thread.sleep(Math.max(0, 30_000 - (System.nanoTime() - outageStarted) / 1_000_000));
            postgres.startAgain();
        }

        // Then: consumption resumes by itself; every event counted once, nothing dead-lettered
        await().atMost(Duration.ofSeconds(120))
                .untilAsserted(() -> RollupChecks.assertTotals(jdbc, STREAM.totalsByTenant()));
        RollupChecks.assertRollupsEqualRecomputation(jdbc);
        assertThat(jdbc.sql("SELECT count(*) FROM dead_letter")
                        .query(Long.class)
                        .single())
                .isZero();
        double retried = meters.get("promptengine.analytics.batches.retried")
                .tag("reason", "outage")
                .counter()
                .count();
        double paused =
                meters.get("promptengine.analytics.consumer.paused").counter().count();
        log.info("Outage: {} batches retried, consumption paused {} s in all", retried, paused);
        assertThat(retried).isGreaterThanOrEqualTo(1);
        assertThat(paused).isGreaterThanOrEqualTo(1);
    }
}
