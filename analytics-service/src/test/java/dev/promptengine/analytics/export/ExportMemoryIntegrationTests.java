package dev.promptengine.analytics.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.AnalyticsServiceApplication;
import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import dev.promptengine.service.auth.ApiKeys;
import dev.promptengine.testsupport.TestKafka;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * The export streams: a second service instance runs in its own JVM with a 64 MiB heap and exports
 * more CSV than that heap could hold ({@value #DEFAULT_ROWS} rows of about 400 bytes by default;
 * {@code -Dpe.export.rows=1000000} for the full million). It must finish with every row and
 * without running out of memory ({@code -XX:+ExitOnOutOfMemoryError} would kill it).
 */
class ExportMemoryIntegrationTests extends QueryApiTestSupport {

    static final int DEFAULT_ROWS = 300_000;
    static final String HEAP = "-Xmx64m";
    private static final Logger log = LoggerFactory.getLogger(ExportMemoryIntegrationTests.class);

    @Autowired
    Environment environment;

    @Test
    void exportsMoreRowsThanTheHeapCouldHoldFromASmallHeapInstance() throws Exception {
        // Given many executions of tenant umbrella on D-1
        int rows = Integer.getInteger("pe.export.rows", DEFAULT_ROWS);
        insertExecutions("umbrella", rows);
        String key = "umbrella-analyst-key";

        // When a 64 MiB instance exports them all
        int port = freePort();
        Path logFile = Path.of("target", "export-memory-instance.log");
        Process instance = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        HEAP,
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        AnalyticsServiceApplication.class.getName(),
                        "--server.port=" + port,
                        "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                        "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                        "--spring.datasource.password=" + environment.getProperty("spring.datasource.password"),
                        "--promptengine.analytics.writer.username="
                                + environment.getProperty("promptengine.analytics.writer.username"),
                        "--promptengine.analytics.writer.password="
                                + environment.getProperty("promptengine.analytics.writer.password"),
                        "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                        "--promptengine.kafka.username=admin",
                        "--promptengine.kafka.password=" + TestKafka.adminPassword(),
                        "--spring.kafka.listener.auto-startup=false",
                        "--promptengine.analytics.scheduling=false",
                        "--promptengine.auth.keys[0].name=umbrella-analyst",
                        "--promptengine.auth.keys[0].tenant=umbrella",
                        "--promptengine.auth.keys[0].role=ANALYST",
                        "--promptengine.auth.keys[0].sha256=" + ApiKeys.sha256Hex(key)))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        try {
            var http = HttpClient.newHttpClient();
            awaitHealthy(http, port, instance);
            long started = System.nanoTime();
            String day = TestData.D0_DATE.minusDays(1).toString();
            var response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/export/executions.csv?from="
                                    + day + "&to=" + day))
                            .header("Authorization", "Bearer " + key)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long[] counted = countLines(response.body());
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            log.info(
                    "Exported {} lines, {} MiB, in {} ms through a {} instance",
                    counted[0],
                    counted[1] >> 20,
                    millis,
                    HEAP);

            // Then every row arrived, the CSV outgrew the heap, and the instance is still alive
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(counted[0]).isEqualTo(rows + 1L);
            if (rows >= DEFAULT_ROWS) {
                assertThat(counted[1]).isGreaterThan(64L << 20);
            }
            assertThat(instance.isAlive())
                    .as("instance alive (see " + logFile + ")")
                    .isTrue();

            // And the usages export (JSON Lines) streams the same way: more lines than the heap holds
            insertUsages("umbrella", rows * 2);
            var usages = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                    + "/v1/export/usages?format=jsonl&from=" + day + "&to=" + day))
                            .header("Authorization", "Bearer " + key)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long[] usageLines = countLines(usages.body());
            log.info(
                    "Exported {} usage lines, {} MiB, through a {} instance", usageLines[0], usageLines[1] >> 20, HEAP);

            assertThat(usages.statusCode()).isEqualTo(200);
            assertThat(usageLines[0]).isEqualTo(rows * 2L);
            if (rows >= DEFAULT_ROWS) {
                assertThat(usageLines[1]).isGreaterThan(64L << 20);
            }
            assertThat(instance.isAlive())
                    .as("instance alive (see " + logFile + ")")
                    .isTrue();
        } finally {
            instance.destroy();
            instance.waitFor();
        }
    }

    private void insertExecutions(String tenant, int rows) {
        var day = TestData.D0.minus(Duration.ofDays(1));
        fixture().ensurePartitions(day);
        jdbc.sql("""
                        INSERT INTO execution_fact (tenant, id, occurred_at, usage_id, prompt_slug, prompt_version,
                            environment, session_id, user_identifier, provider, model, input_tokens, output_tokens,
                            total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, execution_time_ms,
                            latency_bucket, status, error_type, error_message, capture_mode, pricing_status, currency,
                            total_cost, long_context_applied)
                        SELECT :tenant, gen_random_uuid(), :day + (i * interval '80 milliseconds'), gen_random_uuid(),
                            'export-prompt', 1, 'production', 'session-' || (i % 1000), 'user-' || (i % 5000), 'openai',
                            'gpt-4o', 1000, 200, 1200, 0, 0, 0, 900, 345, 'error', 'network',
                            repeat('connection reset by peer; ', 6), 'full', 'priced', 'USD', 0.012345678901234567,
                            false
                        FROM generate_series(1, :rows) AS i
                        """)
                .param("tenant", tenant)
                .param("day", day.atOffset(ZoneOffset.UTC))
                .param("rows", rows)
                .update();
    }

    private void insertUsages(String tenant, int rows) {
        var day = TestData.D0.minus(Duration.ofDays(1));
        jdbc.sql("""
                        INSERT INTO usage_fact (tenant, id, occurred_at, prompt_id, prompt_slug, prompt_version,
                            environment, session_id, user_identifier, capture_mode)
                        SELECT :tenant, gen_random_uuid(), :day + (i * interval '40 milliseconds'), 'prompt-1',
                            'export-prompt', 1, 'production', 'session-' || (i % 1000), 'user-' || (i % 5000), 'full'
                        FROM generate_series(1, :rows) AS i
                        """)
                .param("tenant", tenant)
                .param("day", day.atOffset(ZoneOffset.UTC))
                .param("rows", rows)
                .update();
    }

    private static void awaitHealthy(HttpClient http, int port, Process instance) {
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(instance.isAlive()).as("instance started").isTrue();
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                                                + "/actuator/health/liveness"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false; // not listening yet
                    }
                });
    }

    /** Lines and bytes of a stream, read in small chunks (the test JVM does not hold it either). */
    private static long[] countLines(InputStream body) throws IOException {
        long lines = 0;
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (body) {
            for (int n; (n = body.read(buffer)) > 0; ) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return new long[] {lines, bytes};
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
