package dev.promptengine.e2e.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.postgres.DatabaseRole;
import dev.promptengine.e2e.ServiceProcess;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The three services from their executable jars on the shared broker and a fresh database, with one
 * key per role for the dashboard's tenant and a publisher key for a second tenant the dashboard must
 * never show.
 */
final class Pipeline implements AutoCloseable {

    static final String TENANT = "dashboard";
    static final String OTHER_TENANT = "dashboard-other";
    static final String PUBLISHER_KEY = "pe_pub_" + UUID.randomUUID();
    static final String OTHER_PUBLISHER_KEY = "pe_pub_" + UUID.randomUUID();
    static final String ANALYST_KEY = "pe_ana_" + UUID.randomUUID();
    static final String ADMIN_KEY = "pe_adm_" + UUID.randomUUID();
    static final String OTHER_ANALYST_KEY = "pe_ana_" + UUID.randomUUID();

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<ServiceProcess> services = new ArrayList<>();
    private ServiceProcess ingest;
    private ServiceProcess cost;
    private ServiceProcess analytics;

    static Pipeline start() throws Exception {
        var pipeline = new Pipeline();
        try {
            pipeline.startServices();
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void startServices() throws Exception {
        // each service as its own Kafka principal and database role, as in the local stack
        var costDatabase = TestPostgres.newDatabase("dashboard", DatabaseRole.COST);
        var analyticsDatabase = TestPostgres.newDatabase(costDatabase, DatabaseRole.ANALYTICS);
        List<String> common = new ArrayList<>();
        common.addAll(key(0, "dashboard-publisher", TENANT, "PUBLISHER", PUBLISHER_KEY));
        common.addAll(key(1, "dashboard-analyst", TENANT, "ANALYST", ANALYST_KEY));
        common.addAll(key(2, "dashboard-admin", TENANT, "ADMIN", ADMIN_KEY));
        common.addAll(key(3, "other-publisher", OTHER_TENANT, "PUBLISHER", OTHER_PUBLISHER_KEY));
        common.addAll(key(4, "other-analyst", OTHER_TENANT, "ANALYST", OTHER_ANALYST_KEY));

        var analyticsArguments = new ArrayList<>(common);
        analyticsArguments.addAll(TestKafka.springArguments(KafkaUser.ANALYTICS));
        analyticsArguments.addAll(database(analyticsDatabase));
        // alert rules created in the dashboard fire within seconds, not at the default minute
        analyticsArguments.add("--promptengine.alerts.evaluation-interval=2s");
        analytics = start("analytics-service", analyticsArguments);
        var ingestArguments = new ArrayList<>(common);
        ingestArguments.addAll(TestKafka.springArguments(KafkaUser.INGEST));
        ingest = start("ingest-service", ingestArguments);
        // the pricing view calls cost-service from the page served by analytics-service: a CORS origin
        List<String> costArguments = new ArrayList<>(common);
        costArguments.addAll(TestKafka.springArguments(KafkaUser.COST));
        costArguments.addAll(database(costDatabase));
        costArguments.add("--promptengine.cors.allowed-origins=" + origin());
        cost = start("cost-service", costArguments);
        for (var service : services) {
            service.awaitHealthy(Duration.ofSeconds(240));
        }
    }

    private static List<String> database(TestPostgres.Database database) {
        return List.of(
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password());
    }

    private static List<String> key(int index, String name, String tenant, String role, String key) throws Exception {
        String prefix = "--promptengine.auth.keys[" + index + "].";
        return List.of(
                prefix + "name=" + name,
                prefix + "tenant=" + tenant,
                prefix + "role=" + role,
                prefix + "sha256=" + sha256(key));
    }

    private ServiceProcess start(String module, List<String> arguments) throws Exception {
        var service = ServiceProcess.start(module, arguments);
        services.add(service);
        return service;
    }

    /** The dashboard's address (analytics-service serves it at {@code /}). */
    String dashboard(String pathAndQuery) {
        return analytics.uri(pathAndQuery).toString();
    }

    String origin() {
        var uri = analytics.uri("/");
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    String costBaseUrl() {
        var uri = cost.uri("/");
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    /** Posts one batch to ingest over HTTP and expects every event accepted. */
    void publish(String publisherKey, String batch) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(ingest.uri("/v1/events"))
                        .header("Authorization", "Bearer " + publisherKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(batch))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** An analytics answer for the analyst key, with the same parameters the page sends. */
    JsonNode analytics(String path, Map<String, String> parameters) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(analytics.uri(path + query(parameters)))
                        .header("Authorization", "Bearer " + ANALYST_KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** A change of cost-service's catalog with the tenant's admin key; expects {@code status}. */
    JsonNode pricing(String method, String path, String body, int status) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(cost.uri(path))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(status);
        return json.readTree(response.body());
    }

    JsonNode json(String text) {
        return json.readTree(text);
    }

    /** The push channel {@code GET /v1/live} with this key, read in the background. */
    LiveStream live(String key, Map<String, String> parameters) {
        return LiveStream.open(http, analytics.uri("/v1/live" + query(parameters)), key);
    }

    /** analytics-service's Prometheus scrape, with the admin key metrics need. */
    String analyticsMetrics() throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(analytics.uri("/actuator/prometheus"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    static String query(Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return "";
        }
        return parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    static Map<String, String> parameters(String... namesAndValues) {
        var map = new LinkedHashMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    String logTails() {
        var out = new StringBuilder();
        for (var service : services) {
            out.append(service.tail()).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        for (var service : services) {
            service.close();
        }
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
