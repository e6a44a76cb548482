package dev.promptengine.analytics.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.KnownStream;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The query API cannot starve or cut the write path: API connections carry a statement timeout and
 * come from a pool of their own; with every one of them taken (as by slow CSV downloads), the
 * consumer still counts what arrives.
 */
@SpringBootTest
class WritePathIsolationIntegrationTests {

    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final int API_POOL_SIZE = 3;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafkaAndPostgres(
                registry, "analytics_pools", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        ConsumedTopics.register(registry, USAGE_TOPIC, COSTED_TOPIC);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> API_POOL_SIZE);
        registry.add("spring.datasource.hikari.connection-timeout", () -> 1000);
        registry.add("promptengine.analytics.query-timeout", () -> "1s");
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
    }

    @Autowired
    JdbcClient api;

    @Autowired
    DataSource apiPool;

    @Autowired
    WritePool writePool;

    @Test
    void apiStatementsAreCutAtTheQueryTimeoutWritePathStatementsAreNot() {
        assertThat(api.sql("SHOW statement_timeout").query(String.class).single())
                .isEqualTo("1s");
        assertThat(writePool
                        .jdbc()
                        .sql("SHOW statement_timeout")
                        .query(String.class)
                        .single())
                .isEqualTo("0");
        assertThatThrownBy(
                        () -> api.sql("SELECT pg_sleep(3)").query(String.class).single())
                .isInstanceOf(QueryTimeoutException.class)
                .hasMessageContaining("statement timeout");
        assertThat(writePool
                        .jdbc()
                        .sql("SELECT pg_sleep(1.5)::text")
                        .query(String.class)
                        .single())
                .isEmpty();
    }

    @Test
    void theQueryApiReadsAsARoleThatCanWriteOnlyTheApisOwnTables() {
        assertThat(api.sql("SELECT current_user").query(String.class).single()).isEqualTo("pe_analytics_query");
        assertThat(writePool
                        .jdbc()
                        .sql("SELECT current_user")
                        .query(String.class)
                        .single())
                .isEqualTo("pe_analytics");
        // it reads everything, including partitions created after the grants
        assertThat(api.sql("SELECT count(*) FROM execution_fact")
                        .query(Long.class)
                        .single())
                .isNotNull();
        for (String write : java.util.List.of(
                "DELETE FROM execution_fact",
                "UPDATE execution_rollup_hourly SET execution_count = execution_count + 1",
                "DELETE FROM consumer_offset",
                "DELETE FROM dead_letter",
                "DELETE FROM audit_log",
                "DELETE FROM reconciliation_import_line",
                "UPDATE reconciliation_import SET tenant = 'other'",
                "CREATE TABLE intruder (id int)")) {
            assertThatThrownBy(() -> api.sql(write).update()).as(write).hasStackTraceContaining("permission denied");
        }
    }

    @Test
    void theConsumerCountsWhileEveryApiConnectionIsTaken() throws Exception {
        var stream = new KnownStream(300, Instant.now(), 31);
        var held = new ArrayList<Connection>();
        try {
            // every API connection taken, as by slow exports: one more is refused
            for (int i = 0; i < API_POOL_SIZE; i++) {
                held.add(apiPool.getConnection());
            }
            assertThatThrownBy(apiPool::getConnection).isInstanceOf(SQLException.class);

            PoisonIsolationIntegrationTests.send(stream.records(USAGE_TOPIC, COSTED_TOPIC, 0.0));

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                long usages = writePool
                        .jdbc()
                        .sql("SELECT count(*) FROM usage_fact")
                        .query(Long.class)
                        .single();
                long executions = writePool
                        .jdbc()
                        .sql("SELECT count(*) FROM execution_fact")
                        .query(Long.class)
                        .single();
                assertThat(usages).isEqualTo(stream.usages().size());
                assertThat(executions).isEqualTo(stream.executions().size());
            });
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
    }
}
