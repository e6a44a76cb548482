package dev.promptengine.analytics.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.KnownStream;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Six CSV downloads whose clients stop reading take every connection of the query API's pool (six,
 * the default) for as long as they last; the consumer, on its own pool, keeps counting. Measured:
 * the time from sending a batch of events to seeing all of them counted, without and with the six
 * exports in flight (logged; docs/analytics-api.md, "Bounds").
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowExportsIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(SlowExportsIntegrationTests.class);

    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final String EXPORTER_KEY = "pe_export_analyst_umbrella";
    static final int EXPORTS = 6;
    static final int SEEDED_ROWS = 60_000;
    static final int EVENTS_PER_BATCH = 2_000;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafkaAndPostgres(
                registry, "analytics_exports", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        ConsumedTopics.register(registry, USAGE_TOPIC, COSTED_TOPIC);
        TestInfrastructure.apiKeys(
                registry, new String[][] {{"umbrella-analyst", "umbrella", "ANALYST", EXPORTER_KEY}});
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
    }

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Value("${spring.datasource.url}")
    String databaseUrl;

    @Autowired
    WritePool writePool;

    @Autowired
    PartitionManager partitions;

    @Test
    void sixStalledExportsHoldEveryApiConnectionAndTheConsumerStillCountsAtItsPace() throws Exception {
        // Given 60,000 executions of one tenant: a CSV far larger than the sockets' buffers
        seedExecutions("umbrella", SEEDED_ROWS);
        timeToCount(new KnownStream(EVENTS_PER_BATCH, Instant.now(), 40)); // warm-up, not measured
        var first = new KnownStream(EVENTS_PER_BATCH, Instant.now(), 41);
        Duration baseline = timeToCount(first);

        // When six clients start the download and stop reading
        var exports = new ArrayList<Socket>();
        try {
            for (int i = 0; i < EXPORTS; i++) {
                exports.add(startExport());
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(exportsRunning()).isEqualTo(EXPORTS));

            // Then the consumer counts a batch as before, while all six exports still hold their connection
            var second = new KnownStream(EVENTS_PER_BATCH, Instant.now(), 42);
            Duration withExports = timeToCount(second);
            assertThat(exportsRunning()).isEqualTo(EXPORTS);
            log.info(
                    "MEASURED consumer: {} usages + {} executions counted in {} ms without exports, {} ms with {} stalled"
                            + " exports holding all API connections",
                    first.usages().size(),
                    first.executions().size(),
                    baseline.toMillis(),
                    withExports.toMillis(),
                    EXPORTS);
        } finally {
            for (Socket export : exports) {
                export.close();
            }
        }
    }

    /** Sends the stream's usages and executions and answers how long until all are counted. */
    private Duration timeToCount(KnownStream stream) throws Exception {
        long usagesBefore = count("SELECT count(*) FROM usage_fact");
        long executionsBefore = count("SELECT count(*) FROM execution_fact");
        long started = System.nanoTime();
        PoisonIsolationIntegrationTests.send(stream.records(USAGE_TOPIC, COSTED_TOPIC, 0.0));
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    assertThat(count("SELECT count(*) FROM usage_fact") - usagesBefore)
                            .isEqualTo(stream.usages().size());
                    assertThat(count("SELECT count(*) FROM execution_fact") - executionsBefore)
                            .isEqualTo(stream.executions().size());
                });
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** A download whose client reads the first bytes of the answer and then nothing more. */
    private Socket startExport() throws Exception {
        var socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        String request = "GET /v1/export/executions.csv?from=" + Instant.now().minus(Duration.ofDays(2))
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + EXPORTER_KEY + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        byte[] status = in.readNBytes(12);
        assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        return socket;
    }

    /**
     * Export statements PostgreSQL is running (or waiting on the client for) right now; asked as the
     * superuser, since other roles' sessions show no query text to the write path's role.
     */
    private long exportsRunning() throws java.sql.SQLException {
        var server = dev.promptengine.testsupport.TestPostgres.server();
        try (var connection = java.sql.DriverManager.getConnection(databaseUrl, server.username(), server.password());
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND state <> 'idle' AND query LIKE '%FROM execution_fact%'"
                                + " AND query NOT LIKE '%pg_stat_activity%'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long count(String sql) {
        return writePool.jdbc().sql(sql).query(Long.class).single();
    }

    private void seedExecutions(String tenant, int rows) {
        // The rows go straight into the table, past the writer that makes their days' partitions, and
        // before the scheduled check at start may have run: make them here
        Instant now = Instant.now();
        partitions.ensureRawDays(List.of(now, now.minusSeconds(rows)));
        writePool.jdbc().sql("""
                        INSERT INTO execution_fact (tenant, id, occurred_at, usage_id, prompt_slug, prompt_version,
                               environment, provider, model, input_tokens, output_tokens, total_tokens,
                               cached_input_tokens, cache_write_tokens, reasoning_tokens, execution_time_ms,
                               latency_bucket, status, error_type, error_message, capture_mode, pricing_status,
                               currency, total_cost, long_context_applied)
                        SELECT :tenant, gen_random_uuid(), now() - (n || ' seconds')::interval, gen_random_uuid(),
                               'export-probe', 1, 'production', 'openai', 'gpt-4o', 100, 20, 120, 0, 0, 0, 250,
                               10, 'error', 'other', repeat('slow export ', 20), 'METADATA_ONLY', 'priced', 'USD',
                               0.000450000000000000, false
                          FROM generate_series(1, :rows) AS n
                        """).param("tenant", tenant).param("rows", rows).update();
    }
}
