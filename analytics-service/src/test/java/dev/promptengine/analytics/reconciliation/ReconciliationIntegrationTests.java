package dev.promptengine.analytics.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.AnalyticsServiceApplication;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.CostSource;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.EventTypes;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
 * Reconciliation on the real path: costed executions with both catalog and provider-reported cost
 * (cost-service's v2 fields) are produced to a costed topic of this test, written by the service's
 * own consumer into PostgreSQL, and answered over HTTP. Every expected number is worked out by hand
 * from the data set below and compared as an exact decimal string.
 *
 * <pre>
 * name at (UTC)             tenant provider  model                       catalog  provider total (source)
 * a0   2026-11-23 23:00     acme   openai    gpt-4o-2024-08-06           1        2        2 (provider)   before every range
 * o1   2026-11-24 09:00     acme   openai    gpt-4o-2024-08-06           0.0125   0.013    0.013 (provider)
 * o2   2026-11-24 15:30     acme   openai    GPT-4o-2024-08-06           0.02     0.02     0.02 (catalog)
 * o3   2026-11-24 20:00     acme   openai    gpt-4o-mini-2024-07-18      0.0006   0.00075  0.00075 (provider)
 * a1   2026-11-24 11:00     acme   anthropic claude-sonnet-4-5-20250929  0.045    0.0441   0.0441 (provider)
 * o4   2026-11-25 08:00     acme   openai    gpt-4o-2024-08-06           0.03     -        0.03 (catalog)
 * o5   2026-11-25 10:00     acme   openai    ft:custom-model             -        0.0042   0.0042 (provider)
 * o6   2026-11-25 09:00     acme   openai    gpt-4o-mini-2024-07-18      0        0.0001   0.0001 (provider)
 * a2   2026-11-25 13:00     acme   anthropic claude-haiku-4-5-20251001   0.0032   0.0032   0.0032 (catalog)
 * a3   2026-11-25 23:59:59  acme   anthropic claude-sonnet-4-5           0.015    0.0165   0.0165 (provider)
 * g1   2026-11-24 12:00     globex openai    gpt-4o-2024-08-06           5        7        7 (provider)
 * g2   2026-11-24 12:00     globex anthropic claude-sonnet-4-5-20250929  3        1        1 (provider)
 * </pre>
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {AnalyticsServiceApplication.class, ReconciliationIntegrationTests.FixedClock.class})
class ReconciliationIntegrationTests {

    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final String USAGE_TOPIC = TestKafka.uniqueTopic("recon-usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("recon-costed");
    static final String ACME_ADMIN = "recon-acme-admin";
    static final String ACME_ANALYST = "recon-acme-analyst";
    static final String ACME_PUBLISHER = "recon-acme-publisher";
    static final String GLOBEX_ADMIN = "recon-globex-admin";
    static final String GLOBEX_ANALYST = "recon-globex-analyst";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final List<CostedLlmExecution> EVENTS = new ArrayList<>();

    static {
        EventTypes.trust();
        acme("a0", "2026-11-23T23:00:00Z", "openai", "gpt-4o-2024-08-06", "1", "2", CostSource.PROVIDER);
        acme("o1", "2026-11-24T09:00:00Z", "openai", "gpt-4o-2024-08-06", "0.0125", "0.013", CostSource.PROVIDER);
        acme("o2", "2026-11-24T15:30:00Z", "openai", "GPT-4o-2024-08-06", "0.02", "0.02", CostSource.CATALOG);
        acme(
                "o3",
                "2026-11-24T20:00:00Z",
                "openai",
                "gpt-4o-mini-2024-07-18",
                "0.0006",
                "0.00075",
                CostSource.PROVIDER);
        acme(
                "a1",
                "2026-11-24T11:00:00Z",
                "anthropic",
                "claude-sonnet-4-5-20250929",
                "0.045",
                "0.0441",
                CostSource.PROVIDER);
        acme("o4", "2026-11-25T08:00:00Z", "openai", "gpt-4o-2024-08-06", "0.03", null, CostSource.CATALOG);
        acme("o5", "2026-11-25T10:00:00Z", "openai", "ft:custom-model", null, "0.0042", CostSource.PROVIDER);
        acme("o6", "2026-11-25T09:00:00Z", "openai", "gpt-4o-mini-2024-07-18", "0", "0.0001", CostSource.PROVIDER);
        acme(
                "a2",
                "2026-11-25T13:00:00Z",
                "anthropic",
                "claude-haiku-4-5-20251001",
                "0.0032",
                "0.0032",
                CostSource.CATALOG);
        acme("a3", "2026-11-25T23:59:59Z", "anthropic", "claude-sonnet-4-5", "0.015", "0.0165", CostSource.PROVIDER);
        execution("globex", "g1", "2026-11-24T12:00:00Z", "openai", "gpt-4o-2024-08-06", "5", "7", CostSource.PROVIDER);
        execution(
                "globex",
                "g2",
                "2026-11-24T12:00:00Z",
                "anthropic",
                "claude-sonnet-4-5-20250929",
                "3",
                "1",
                CostSource.PROVIDER);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FixedClock {
        @Bean
        @Primary
        Clock testClock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafkaAndPostgres(
                registry, "analytics_recon", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        registry.add("promptengine.analytics.topics.usage", () -> USAGE_TOPIC);
        registry.add("promptengine.analytics.topics.execution-costed", () -> COSTED_TOPIC);
        registry.add("spring.kafka.consumer.group-id", () -> "analytics-" + UUID.randomUUID());
        registry.add("promptengine.analytics.reconciliation.max-import-size", () -> "64KB");
        TestInfrastructure.apiKeys(registry, new String[][] {
            {"acme-admin", "acme", "ADMIN", ACME_ADMIN},
            {"acme-analyst", "acme", "ANALYST", ACME_ANALYST},
            {"acme-publisher", "acme", "PUBLISHER", ACME_PUBLISHER},
            {"globex-admin", "globex", "ADMIN", GLOBEX_ADMIN},
            {"globex-analyst", "globex", "ANALYST", GLOBEX_ANALYST},
        });
    }

    @LocalServerPort
    int port;

    /** The write path's pool: reads facts and imports as the schema's owner. */
    JdbcClient jdbc;

    @Autowired
    void writePool(WritePool pool) {
        this.jdbc = pool.jdbc();
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void publishTheDataSet() {
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt");
        var serializer = new AvroSerializer<SpecificRecord>();
        try (var producer = new KafkaProducer<>(
                TestKafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (var event : EVENTS) {
                producer.send(new ProducerRecord<>(
                        COSTED_TOPIC,
                        event.getExecution().getUsageId().toString(),
                        serializer.serialize(COSTED_TOPIC, event)));
            }
            producer.flush();
        }
    }

    @BeforeEach
    void awaitTheDataSetInTheFacts() {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM execution_fact")
                                .query(Long.class)
                                .single())
                        .isEqualTo(EVENTS.size()));
    }

    @Test
    void comparesCatalogAndProviderCostByDayWithExactDrift() {
        var response = get("/v1/analytics/reconciliation?from=2026-11-24&to=2026-11-25&limit=3", ACME_ANALYST);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("from").asString()).isEqualTo("2026-11-24T00:00:00Z");
        assertThat(body.get("to").asString()).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(body.get("days")).isEqualTo(JSON.readTree("""
                [
                 {"day":"2026-11-24","provider":"anthropic","model":"claude-sonnet-4-5-20250929","executions_compared":1,
                  "catalog_cost":"0.045","provider_cost":"0.0441","drift_usd":"-0.0009","drift_percent":-2.0},
                 {"day":"2026-11-24","provider":"openai","model":"GPT-4o-2024-08-06","executions_compared":1,
                  "catalog_cost":"0.02","provider_cost":"0.02","drift_usd":"0","drift_percent":0.0},
                 {"day":"2026-11-24","provider":"openai","model":"gpt-4o-2024-08-06","executions_compared":1,
                  "catalog_cost":"0.0125","provider_cost":"0.013","drift_usd":"0.0005","drift_percent":4.0},
                 {"day":"2026-11-24","provider":"openai","model":"gpt-4o-mini-2024-07-18","executions_compared":1,
                  "catalog_cost":"0.0006","provider_cost":"0.00075","drift_usd":"0.00015","drift_percent":25.0},
                 {"day":"2026-11-25","provider":"anthropic","model":"claude-haiku-4-5-20251001","executions_compared":1,
                  "catalog_cost":"0.0032","provider_cost":"0.0032","drift_usd":"0","drift_percent":0.0},
                 {"day":"2026-11-25","provider":"anthropic","model":"claude-sonnet-4-5","executions_compared":1,
                  "catalog_cost":"0.015","provider_cost":"0.0165","drift_usd":"0.0015","drift_percent":10.0},
                 {"day":"2026-11-25","provider":"openai","model":"gpt-4o-mini-2024-07-18","executions_compared":1,
                  "catalog_cost":"0","provider_cost":"0.0001","drift_usd":"0.0001","drift_percent":null}
                ]"""));
        assertThat(body.get("totals")).isEqualTo(JSON.readTree("""
                {"executions_compared":7,"catalog_cost":"0.0963","provider_cost":"0.09765","drift_usd":"0.00135",
                 "drift_percent":1.4}"""));
        assertThat(body.get("only_catalog_executions").asLong()).isEqualTo(1);
        assertThat(body.get("only_provider_executions").asLong()).isEqualTo(1);
        assertThat(body.get("largest_drift")).isEqualTo(JSON.readTree("""
                [
                 {"execution_id":"%s","occurred_at":"2026-11-25T23:59:59Z","provider":"anthropic",
                  "model":"claude-sonnet-4-5","catalog_cost":"0.015","provider_cost":"0.0165","drift_usd":"0.0015",
                  "drift_percent":10.0},
                 {"execution_id":"%s","occurred_at":"2026-11-24T11:00:00Z","provider":"anthropic",
                  "model":"claude-sonnet-4-5-20250929","catalog_cost":"0.045","provider_cost":"0.0441",
                  "drift_usd":"-0.0009","drift_percent":-2.0},
                 {"execution_id":"%s","occurred_at":"2026-11-24T09:00:00Z","provider":"openai",
                  "model":"gpt-4o-2024-08-06","catalog_cost":"0.0125","provider_cost":"0.013","drift_usd":"0.0005",
                  "drift_percent":4.0}
                ]""".formatted(id("a3"), id("a1"), id("o1"))));
    }

    @Test
    void anotherTenantsExecutionsNeverEnterTheReconciliation() {
        var globex = JSON.readTree(get("/v1/analytics/reconciliation?from=2026-11-24&to=2026-11-25", GLOBEX_ANALYST)
                .body());
        var acmeOpenAi = JSON.readTree(get(
                        "/v1/analytics/reconciliation?from=2026-11-24&to=2026-11-25&provider=openai&model=gpt-4o-2024-08-06",
                        ACME_ANALYST)
                .body());

        assertThat(globex.get("totals")).isEqualTo(JSON.readTree("""
                {"executions_compared":2,"catalog_cost":"8","provider_cost":"8","drift_usd":"0","drift_percent":0.0}"""));
        assertThat(globex.get("largest_drift").size()).isEqualTo(2);
        assertThat(acmeOpenAi.get("totals")).isEqualTo(JSON.readTree("""
                {"executions_compared":1,"catalog_cost":"0.0125","provider_cost":"0.013","drift_usd":"0.0005",
                 "drift_percent":4.0}"""));
        assertThat(acmeOpenAi.get("only_catalog_executions").asLong()).isEqualTo(1);
        assertThat(acmeOpenAi.get("only_provider_executions").asLong()).isZero();
    }

    @Test
    void importsAnOpenAiCostExportAndReconcilesItToTheExactCent() {
        var response =
                post("/v1/analytics/reconciliation/imports?format=openai", sample("openai-costs.csv"), ACME_ADMIN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("format").asString()).isEqualTo("openai");
        assertThat(body.get("lines").asInt()).isEqualTo(9);
        assertThat(body.get("from").asString()).isEqualTo("2026-11-24T00:00:00Z");
        assertThat(body.get("to").asString()).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(body.get("days")).isEqualTo(JSON.readTree("""
                [
                 {"day":"2026-11-24","model":"gpt-4o-2024-08-06","billed_cost":"0.033","our_cost":"0.033",
                  "our_catalog_cost":"0.0325","difference_usd":"0","difference_percent":0.0,"our_executions":2,
                  "our_unpriced_executions":0},
                 {"day":"2026-11-24","model":"gpt-4o-mini-2024-07-18","billed_cost":"0.00075","our_cost":"0.00075",
                  "our_catalog_cost":"0.0006","difference_usd":"0","difference_percent":0.0,"our_executions":1,
                  "our_unpriced_executions":0},
                 {"day":"2026-11-25","model":"ft:custom-model","billed_cost":"0","our_cost":"0.0042",
                  "our_catalog_cost":"0","difference_usd":"-0.0042","difference_percent":-100.0,"our_executions":1,
                  "our_unpriced_executions":0},
                 {"day":"2026-11-25","model":"gpt-4o-2024-08-06","billed_cost":"0.031","our_cost":"0.03",
                  "our_catalog_cost":"0.03","difference_usd":"0.001","difference_percent":3.3,"our_executions":1,
                  "our_unpriced_executions":0},
                 {"day":"2026-11-25","model":"gpt-4o-mini-2024-07-18","billed_cost":"0.0001","our_cost":"0.0001",
                  "our_catalog_cost":"0","difference_usd":"0","difference_percent":0.0,"our_executions":1,
                  "our_unpriced_executions":0},
                 {"day":"2026-11-25","model":"web search tool calls","billed_cost":"0.01","our_cost":"0",
                  "our_catalog_cost":"0","difference_usd":"0.01","difference_percent":null,"our_executions":0,
                  "our_unpriced_executions":0}
                ]"""));
        assertThat(body.get("totals")).isEqualTo(JSON.readTree("""
                {"billed_cost":"0.07485","our_cost":"0.06805","our_catalog_cost":"0.0631","difference_usd":"0.0068",
                 "difference_percent":10.0,"our_executions":6,"our_unpriced_executions":0,
                 "unattributed_billed_cost":"0"}"""));

        var again = get(
                "/v1/analytics/reconciliation/imports/" + body.get("import_id").asString(), ACME_ANALYST);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body())).isEqualTo(body);
        assertThat(jdbc.sql("""
                        SELECT rows_returned FROM audit_log
                        WHERE tenant = 'acme' AND endpoint = 'POST /v1/analytics/reconciliation/imports'
                          AND filters ->> 'import_id' = :id""")
                        .param("id", body.get("import_id").asString())
                        .query(Long.class)
                        .single())
                .isEqualTo(9);
    }

    @Test
    void importsAnAnthropicConsoleCostExportAndReconcilesItToTheExactCent() {
        var response = post(
                "/v1/analytics/reconciliation/imports?format=anthropic", sample("anthropic-costs.csv"), ACME_ADMIN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("lines").asInt()).isEqualTo(8);
        assertThat(body.get("days")).isEqualTo(JSON.readTree("""
                [
                 {"day":"2026-11-24","model":"claude-sonnet-4-5","billed_cost":"0.0441","our_cost":"0.0441",
                  "our_catalog_cost":"0.045","difference_usd":"0","difference_percent":0.0,"our_executions":1,
                  "our_unpriced_executions":0},
                 {"day":"2026-11-25","model":"claude-haiku-4-5","billed_cost":"0.0032","our_cost":"0.0032",
                  "our_catalog_cost":"0.0032","difference_usd":"0","difference_percent":0.0,"our_executions":1,
                  "our_unpriced_executions":0},
                 {"day":"2026-11-25","model":"claude-sonnet-4-5","billed_cost":"0.017","our_cost":"0.0165",
                  "our_catalog_cost":"0.015","difference_usd":"0.0005","difference_percent":3.0,"our_executions":1,
                  "our_unpriced_executions":0}
                ]"""));
        assertThat(body.get("totals")).isEqualTo(JSON.readTree("""
                {"billed_cost":"0.0743","our_cost":"0.0638","our_catalog_cost":"0.0632","difference_usd":"0.0105",
                 "difference_percent":16.5,"our_executions":3,"our_unpriced_executions":0,
                 "unattributed_billed_cost":"0.01"}"""));
    }

    @Test
    void importsTheAnthropicAdminApiCostReportInCents() {
        var response = post(
                "/v1/analytics/reconciliation/imports?format=anthropic",
                sample("anthropic-cost-report.csv"),
                ACME_ADMIN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("totals")).isEqualTo(JSON.readTree("""
                {"billed_cost":"0.0541","our_cost":"0.0441","our_catalog_cost":"0.045","difference_usd":"0.01",
                 "difference_percent":22.7,"our_executions":1,"our_unpriced_executions":0,
                 "unattributed_billed_cost":"0.01"}"""));
    }

    @Test
    void anImportIsSeenOnlyByItsTenantAndComparedOnlyWithItsTenantsFacts() {
        var acme = JSON.readTree(
                post("/v1/analytics/reconciliation/imports?format=openai", sample("openai-costs.csv"), ACME_ADMIN)
                        .body());
        var globex = JSON.readTree(
                post("/v1/analytics/reconciliation/imports?format=openai", sample("openai-costs.csv"), GLOBEX_ADMIN)
                        .body());

        assertThat(get(
                                "/v1/analytics/reconciliation/imports/"
                                        + acme.get("import_id").asString(),
                                GLOBEX_ADMIN)
                        .statusCode())
                .isEqualTo(404);
        assertThat(globex.get("totals").get("our_cost").asString()).isEqualTo("7");
        assertThat(globex.get("totals").get("our_executions").asLong()).isEqualTo(1);
        assertThat(acme.get("totals").get("our_cost").asString()).isEqualTo("0.06805");
    }

    @Test
    void refusesBadImportsWithAProblemNamingWhatIsWrongAndStoresNothing() {
        long before = imports();

        var missing = post(
                "/v1/analytics/reconciliation/imports?format=openai",
                "start_time_iso,line_item\n2026-11-24T00:00:00Z,\"gpt-4o, input\"\n",
                ACME_ADMIN);
        var badNumber = post(
                "/v1/analytics/reconciliation/imports?format=anthropic",
                "usage_date_utc,model,cost_usd\n2026-11-24,Claude Haiku 4.5,0.1\n2026-11-24,Claude Haiku 4.5,n/a\n",
                ACME_ADMIN);
        var unknownFormat = post("/v1/analytics/reconciliation/imports?format=azure", "a,b\n1,2\n", ACME_ADMIN);
        var tooLarge = post(
                "/v1/analytics/reconciliation/imports?format=anthropic",
                "usage_date_utc,model,cost_usd\n" + "2026-11-24,Claude Haiku 4.5,0.0001\n".repeat(2_000),
                ACME_ADMIN);
        var notCsv = send(
                HttpRequest.newBuilder(uri("/v1/analytics/reconciliation/imports?format=openai"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")),
                ACME_ADMIN);
        var analyst =
                post("/v1/analytics/reconciliation/imports?format=openai", sample("openai-costs.csv"), ACME_ANALYST);

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        var missingProblem = JSON.readTree(missing.body());
        assertThat(missingProblem.get("type").asString()).isEqualTo("https://promptengine.dev/problems/invalid-import");
        assertThat(missingProblem.get("column").asString()).isEqualTo("amount_value");
        assertThat(missingProblem.get("detail").asString()).contains("no column 'amount_value'");
        var badNumberProblem = JSON.readTree(badNumber.body());
        assertThat(badNumber.statusCode()).isEqualTo(400);
        assertThat(badNumberProblem.get("column").asString()).isEqualTo("cost_usd");
        assertThat(badNumberProblem.get("line").asInt()).isEqualTo(3);
        assertThat(unknownFormat.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknownFormat.body()).get("parameter").asString())
                .isEqualTo("format");
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLarge.body()).get("detail").asString()).contains("limit of 65536 bytes");
        assertThat(notCsv.statusCode()).isEqualTo(415);
        assertThat(analyst.statusCode()).isEqualTo(403);
        assertThat(imports()).isEqualTo(before);
    }

    private long imports() {
        return jdbc.sql("SELECT count(*) FROM reconciliation_import WHERE tenant = 'acme'")
                .query(Long.class)
                .single();
    }

    private static void acme(
            String name, String at, String provider, String model, String catalog, String reported, CostSource source) {
        execution("acme", name, at, provider, model, catalog, reported, source);
    }

    private static void execution(
            String tenant,
            String name,
            String at,
            String provider,
            String model,
            String catalog,
            String reported,
            CostSource source) {
        BigDecimal catalogCost = amount(catalog);
        BigDecimal providerCost = amount(reported);
        BigDecimal total = source == CostSource.PROVIDER ? providerCost : catalogCost;
        var execution = LlmExecution.newBuilder()
                .setId(id(name))
                .setUsageId(UUID.randomUUID())
                .setTenant(tenant)
                .setOccurredAt(Instant.parse(at))
                .setPromptSlug("support-reply")
                .setPromptVersion(1)
                .setEnvironment("production")
                .setProvider(provider)
                .setModel(model)
                .setCaptureMode(CaptureMode.METADATA_ONLY)
                .setInputTokens(1000)
                .setOutputTokens(200)
                .setTotalTokens(1200)
                .setExecutionTimeMs(900L)
                .setStatus(ExecutionStatus.SUCCESS)
                .setProviderCost(providerCost)
                .build();
        var cost = ExecutionCost.newBuilder()
                .setPricingStatus(PricingStatus.PRICED)
                .setPriceId(catalogCost == null ? null : UUID.nameUUIDFromBytes(model.getBytes(StandardCharsets.UTF_8)))
                .setMatchedRule(catalogCost == null ? null : "exact")
                .setTotalCost(total)
                .setCostSource(source)
                .setCatalogCost(catalogCost)
                .setProviderCost(providerCost)
                .setPricedAt(Instant.parse(at))
                .build();
        EVENTS.add(new CostedLlmExecution(execution, cost));
    }

    static UUID id(String name) {
        return UUID.nameUUIDFromBytes(("reconciliation-" + name).getBytes(StandardCharsets.UTF_8));
    }

    private static BigDecimal amount(String value) {
        return value == null ? null : new BigDecimal(value).setScale(18);
    }

    private static String sample(String name) {
        return ExportFormatTests.sample(name);
    }

    private HttpResponse<String> get(String path, String key) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), key);
    }

    private HttpResponse<String> post(String path, String csv, String key) {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8)),
                key);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String key) {
        try {
            return http.send(
                    request.header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
