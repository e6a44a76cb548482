package dev.promptengine.deploy.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/promptengine} as a user runs it, on free ports and a state directory of its own: up
 * until healthy, a second up, the demo counted by analytics-service, down leaving no process
 * behind, data (a row, the Kafka cluster, the demo's counts) surviving down and up.
 * Needs the services' executable jars (the reactor packages them before this module).
 */
class LocalStackIntegrationTests {

    private static final Path ROOT = Path.of(System.getProperty("promptengine.root", ".."))
            .toAbsolutePath()
            .normalize();
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(6);

    private final Path home = ROOT.resolve(
            "deploy/target/stack-it-" + UUID.randomUUID().toString().substring(0, 8));
    private final Map<String, String> environment = new HashMap<>();

    record Result(int exitCode, String output) {}

    @AfterEach
    void stopWhateverRuns() throws Exception {
        if (!environment.isEmpty()) {
            run("down");
        }
    }

    @Test
    void upStartsAHealthyStackTheDemoIsCountedDownLeavesNoProcessAndDataSurvives() throws Exception {
        // Given the executable jars (the reactor packages them before this module's integration
        // tests; a missing one fails the test, it never skips it) and seven free ports
        for (String module : List.of("ingest-service", "cost-service", "analytics-service")) {
            Path target = ROOT.resolve(module).resolve("target");
            assertThat(Files.isDirectory(target)
                            && Files.list(target)
                                    .anyMatch(
                                            jar -> jar.getFileName().toString().endsWith("-exec.jar")))
                    .as(module + " is not packaged; run ./mvnw verify (or package) from the root")
                    .isTrue();
        }
        int ingestPort = freePort();
        int analyticsPort = freePort();
        int postgresPort = freePort();
        environment.putAll(Map.of(
                "PE_HOME", home.toString(),
                "PE_SKIP_BUILD", "1",
                "PE_KAFKA_PORT", Integer.toString(freePort()),
                "PE_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()),
                "PE_POSTGRES_PORT", Integer.toString(postgresPort),
                "PE_INGEST_PORT", Integer.toString(ingestPort),
                "PE_COST_PORT", Integer.toString(freePort()),
                "PE_ANALYTICS_PORT", Integer.toString(analyticsPort)));

        // When the stack comes up
        Result up = run("up");

        // Then every service is healthy, and the credentials are private
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("all healthy", "credentials.env");
        assertThat(run("status").exitCode()).isZero();
        assertThat(health(ingestPort)).isEqualTo(200);
        Path credentials = home.resolve("credentials.env");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(credentials))
                .contains("PE_PUBLISHER_KEY=", "PE_ANALYST_KEY=", "PE_ADMIN_KEY=", "PE_PLATFORM_ADMIN_KEY=")
                .contains("PE_KAFKA_ADMIN_PASSWORD=", "PE_KAFKA_INGEST_PASSWORD=", "PE_KAFKA_COST_PASSWORD=")
                .contains("PE_KAFKA_ANALYTICS_PASSWORD=", "PE_DB_COST_PASSWORD=", "PE_DB_ANALYTICS_PASSWORD=");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(home.resolve("kafka/server.properties"))))
                .isEqualTo("rw-------");
        analyticsPassword = credential(credentials, "PE_DB_ANALYTICS_PASSWORD");

        // And PostgreSQL wants the right password from everyone, and no generated password reaches a log
        assertThatThrownBy(() -> DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + postgresPort + "/promptengine", "postgres", ""))
                .hasMessageContaining("password");
        assertThatThrownBy(() -> DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + postgresPort + "/promptengine", "pe_cost", analyticsPassword))
                .hasMessageContaining("password authentication failed");
        assertNoSecretInTheLogs(credentials);

        // And a second up starts nothing
        assertThat(run("up").output()).contains("Nothing to start");

        // When the demo publishes traffic
        Result demo = run("demo", "--executions=200");

        // Then analytics-service counts all of it
        assertThat(demo.exitCode()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("this run added").contains(" and 200 executions (before: 0 and 0)");
        String analystKey = Files.readAllLines(credentials).stream()
                .filter(line -> line.startsWith("PE_ANALYST_KEY="))
                .map(line -> line.substring("PE_ANALYST_KEY=".length()))
                .findFirst()
                .orElseThrow();
        String countedBeforeDown = usageStats(analyticsPort, analystKey);
        assertThat(countedBeforeDown).contains("\"total_executions\":200");

        // And the CLI lists dead letters with the operator's key (the demo leaves none) and refuses bad input
        Result deadLetters = run("dead-letters", "list", "--limit", "5");
        assertThat(deadLetters.exitCode()).as(deadLetters.output()).isZero();
        assertThat(deadLetters.output()).contains("\"dead_letters\":[]");
        Result badReplay = run("dead-letters", "replay", "--topic", "promptengine.pricing.v1", "--since", "2026-01-01");
        assertThat(badReplay.exitCode()).isNotZero();
        assertThat(badReplay.output()).contains("'topic' must be one of");

        // When a row is written and the stack goes down
        String marker = "written before down " + UUID.randomUUID();
        sql(
                postgresPort,
                "CREATE TABLE analytics.stack_check (note text)",
                "INSERT INTO analytics.stack_check VALUES ('" + marker + "')");
        String clusterId = Files.readString(home.resolve("kafka/data/meta.properties"));
        Result down = run("down");

        // Then no process of this stack is left and its ports are free
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(processesOfThisStack()).isEmpty();
        assertThat(listening(ingestPort)).isFalse();
        assertThat(listening(postgresPort)).isFalse();

        // When it comes up again
        Result again = run("up");

        // Then the data is still there: the row, and the same Kafka cluster
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("formatted Kafka storage", "generated API keys");
        assertThat(sql(postgresPort, "SELECT note FROM analytics.stack_check")).isEqualTo(marker);
        assertThat(Files.readString(home.resolve("kafka/data/meta.properties"))).isEqualTo(clusterId);
        assertThat(usageStats(analyticsPort, analystKey)).isEqualTo(countedBeforeDown);
    }

    private Result run(String command, String... options) throws IOException, InterruptedException {
        Files.createDirectories(home);
        Path output = Files.createTempFile(home, command + "-", ".out");
        var arguments =
                new ArrayList<>(List.of("bash", ROOT.resolve("bin/promptengine").toString(), command));
        arguments.addAll(List.of(options));
        var process = new ProcessBuilder(arguments)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        process.environment().putAll(environment);
        Process started = process.start();
        if (!started.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            started.destroyForcibly().waitFor();
        }
        return new Result(started.exitValue(), Files.readString(output));
    }

    private List<String> processesOfThisStack() {
        return ProcessHandle.allProcesses()
                .map(process -> process.info().commandLine().orElse(""))
                .filter(commandLine -> commandLine.contains(home.toString()))
                .toList();
    }

    /** The same fixed window before and after the restart, so the answers compare byte for byte. */
    private static final String STATS_WINDOW = "?from="
            + java.time.Instant.now()
                    .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    .minus(java.time.Duration.ofDays(10))
            + "&to="
            + java.time.Instant.now()
                    .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    .plus(java.time.Duration.ofHours(2));

    private static String usageStats(int port, String analystKey) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/analytics/usage-stats" + STATS_WINDOW))
                .header("Authorization", "Bearer " + analystKey)
                .build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static int health(int port) throws IOException, InterruptedException {
        var http = HttpClient.newHttpClient();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String analyticsPassword;

    private static String credential(Path credentials, String name) throws IOException {
        return Files.readAllLines(credentials).stream()
                .filter(line -> line.startsWith(name + "="))
                .map(line -> line.substring(name.length() + 1))
                .findFirst()
                .orElseThrow();
    }

    private void assertNoSecretInTheLogs(Path credentials) throws IOException {
        var secrets = Files.readAllLines(credentials).stream()
                .filter(line -> line.startsWith("PE_") && line.contains("_PASSWORD="))
                .map(line -> line.substring(line.indexOf('=') + 1))
                .toList();
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(9);
        try (var logs = Files.list(home.resolve("logs"))) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log);
                for (String secret : secrets) {
                    assertThat(text).as(log + " must not contain a password").doesNotContain(secret);
                }
            }
        }
    }

    /** As analytics-service's role, the one that owns the analytics schema. */
    private String sql(int port, String... statements) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/promptengine";
        try (var connection = DriverManager.getConnection(url, "pe_analytics", analyticsPassword);
                var statement = connection.createStatement()) {
            String last = null;
            for (String sql : statements) {
                if (statement.execute(sql)) {
                    try (var rows = statement.getResultSet()) {
                        last = rows.next() ? rows.getString(1) : null;
                    }
                }
            }
            return last;
        }
    }

    private static boolean listening(int port) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
