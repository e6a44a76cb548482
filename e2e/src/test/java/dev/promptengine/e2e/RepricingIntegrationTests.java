package dev.promptengine.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.postgres.DatabaseRole;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Re-pricing end to end, with the three services as processes on the real broker and database: a
 * prepared data set (an unknown model, catalog-priced and provider-priced executions, two tenants)
 * gives the exact diff in a dry run that changes nothing; applying it prices the unknown model's
 * executions, which leave every aggregate's {@code unpriced_executions}; a run again changes nothing;
 * a tenant discount re-prices that tenant's catalog-priced executions only, never the provider-priced
 * ones and never another tenant's; every rollup keeps agreeing with the raw facts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepricingIntegrationTests {

    private static final String ACME_PUBLISHER = "pe_pub_" + UUID.randomUUID();
    private static final String ACME_ADMIN = "pe_adm_" + UUID.randomUUID();
    private static final String GLOBEX_PUBLISHER = "pe_pub_" + UUID.randomUUID();
    private static final String GLOBEX_ADMIN = "pe_adm_" + UUID.randomUUID();
    private static final String ACME_ANALYST = "pe_ana_" + UUID.randomUUID();
    private static final String GLOBEX_ANALYST = "pe_ana_" + UUID.randomUUID();
    private static final String PLATFORM_ADMIN = "pe_ops_" + UUID.randomUUID();
    private static final BigDecimal MILLION = new BigDecimal(1_000_000);
    /** gpt-4o-mini's default price: 0.15 input, 0.60 output per 1M tokens. */
    private static final BigDecimal MINI_IN = new BigDecimal("0.15");

    private static final BigDecimal MINI_OUT = new BigDecimal("0.60");
    /** The price the test adds for the unknown model, per 1M tokens. */
    private static final BigDecimal NEW_IN = new BigDecimal("1.10");

    private static final BigDecimal NEW_OUT = new BigDecimal("3.30");

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<ServiceProcess> services = new ArrayList<>();
    private ServiceProcess ingest;
    private ServiceProcess cost;
    private ServiceProcess analytics;
    private org.postgresql.ds.PGSimpleDataSource analyticsDb;

    private final Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(26, ChronoUnit.HOURS);
    private final Instant from = base.minus(1, ChronoUnit.HOURS);
    private final Instant to = base.plus(3, ChronoUnit.HOURS);
    private final String model = "brand-new-model-" + Long.toHexString(System.nanoTime());

    /** Exact expectations, summed while the data set is built. */
    private BigDecimal acmeNewModelCost = BigDecimal.ZERO;

    private BigDecimal globexNewModelCost = BigDecimal.ZERO;
    private BigDecimal acmeCatalogMiniCost = BigDecimal.ZERO;
    private static final BigDecimal REPORTED = new BigDecimal("0.001");

    @BeforeAll
    void startPipelineAndPublishTheDataSet() throws Exception {
        var costDatabase = TestPostgres.newDatabase("e2e_repricing", DatabaseRole.COST);
        var analyticsDatabase = TestPostgres.newDatabase(costDatabase, DatabaseRole.ANALYTICS);
        analyticsDb = analyticsDatabase.dataSource();
        analyticsDb.setCurrentSchema("analytics");
        List<String> keys = new ArrayList<>();
        String[][] all = {
            {"acme-publisher", "acme", "PUBLISHER", ACME_PUBLISHER},
            {"acme-admin", "acme", "ADMIN", ACME_ADMIN},
            {"globex-publisher", "globex", "PUBLISHER", GLOBEX_PUBLISHER},
            {"globex-admin", "globex", "ADMIN", GLOBEX_ADMIN},
            {"operator", "operations", "PLATFORM_ADMIN", PLATFORM_ADMIN},
            {"acme-analyst", "acme", "ANALYST", ACME_ANALYST},
            {"globex-analyst", "globex", "ANALYST", GLOBEX_ANALYST},
        };
        for (int i = 0; i < all.length; i++) {
            keys.add("--promptengine.auth.keys[" + i + "].name=" + all[i][0]);
            keys.add("--promptengine.auth.keys[" + i + "].tenant=" + all[i][1]);
            keys.add("--promptengine.auth.keys[" + i + "].role=" + all[i][2]);
            keys.add("--promptengine.auth.keys[" + i + "].sha256=" + sha256(all[i][3]));
        }
        ingest = start("ingest-service", with(keys, TestKafka.springArguments(KafkaUser.INGEST)));
        cost = start("cost-service", with(keys, TestKafka.springArguments(KafkaUser.COST), database(costDatabase)));
        analytics = start(
                "analytics-service",
                with(
                        keys,
                        TestKafka.springArguments(KafkaUser.ANALYTICS),
                        database(analyticsDatabase),
                        List.of("--promptengine.repricing.pricing-url=" + cost.uri(""))));
        for (var service : services) {
            service.awaitHealthy(Duration.ofSeconds(180));
        }

        // acme: 12 executions of a model nobody prices yet, 8 of gpt-4o-mini, 3 of gpt-4o-mini with a
        // reported cost; globex: 5 of the unknown model
        var acme = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            long in = 1_000 + 37L * i;
            long out = 200 + 11L * i;
            acmeNewModelCost = acmeNewModelCost.add(cost(in, out, NEW_IN, NEW_OUT));
            acme.append(execution(model, in, out, i, null)).append(',');
        }
        for (int i = 0; i < 8; i++) {
            long in = 2_000 + 101L * i;
            long out = 400 + 7L * i;
            acmeCatalogMiniCost = acmeCatalogMiniCost.add(cost(in, out, MINI_IN, MINI_OUT));
            acme.append(execution("gpt-4o-mini", in, out, i, null)).append(',');
        }
        for (int i = 0; i < 3; i++) {
            acme.append(execution("gpt-4o-mini", 3_000, 500, i, REPORTED.toPlainString()))
                    .append(',');
        }
        var globex = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            long in = 5_000 + 13L * i;
            long out = 700 + 3L * i;
            globexNewModelCost = globexNewModelCost.add(cost(in, out, NEW_IN, NEW_OUT));
            globex.append(execution(model, in, out, i, null)).append(',');
        }
        publish(ACME_PUBLISHER, acme, 23);
        publish(GLOBEX_PUBLISHER, globex, 5);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    var stats = usageStats(ACME_ADMIN);
                    assertThat(stats.get("total_executions").asLong()).isEqualTo(23);
                    assertThat(usageStats(GLOBEX_ADMIN).get("total_executions").asLong())
                            .isEqualTo(5);
                });
    }

    @AfterAll
    void stopPipeline() throws Exception {
        for (var service : services) {
            service.close();
        }
    }

    @Test
    @Order(1)
    void beforeAnyPriceTheUnknownModelIsCountedAsUnpricedNeverAsZero() throws Exception {
        var stats = usageStats(ACME_ADMIN);
        assertThat(stats.get("unpriced_executions").asLong()).isEqualTo(12);
        assertThat(money(stats, "total_cost"))
                .isEqualByComparingTo(acmeCatalogMiniCost.add(REPORTED.multiply(BigDecimal.valueOf(3))));
        var byModel = group(stats.get("by_model"), model);
        assertThat(byModel.get("unpriced_executions").asLong()).isEqualTo(12);
        assertThat(group(breakdown(ACME_ADMIN).get("groups"), model)
                        .get("unpriced_executions")
                        .asLong())
                .isEqualTo(12);
        // the reported cost won over the catalog for the three that carry one, and both are kept
        assertThat(scalar("""
                        SELECT count(*) FROM execution_fact
                        WHERE tenant = 'acme' AND cost_source = 'provider' AND total_cost = provider_cost
                          AND catalog_cost = (3000 * 0.15 + 500 * 0.60) / 1000000
                        """)).isEqualTo(3);
    }

    @Test
    @Order(2)
    void aNewPriceOffersToRepriceAndADryRunGivesTheExactDiffWithoutChangingAnything() throws Exception {
        // when the platform admin prices the unknown model (once cost-service has counted its executions)
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> unpricedCount() == 17);
        var created = send(cost, "POST", "/v1/prices", PLATFORM_ADMIN, """
                {"provider": "openai", "model": "%s", "input_per_1m": %s, "output_per_1m": %s,
                 "effective_from": "2024-01-01T00:00:00Z", "source": "e2e", "reason": "new model"}
                """.formatted(model, NEW_IN, NEW_OUT));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var offer = json.readTree(created.body()).get("unpriced");
        assertThat(offer.get("executions").asLong()).isEqualTo(17);
        assertThat(offer.get("reprice").get("path").asString()).isEqualTo("/v1/repricing");
        assertThat(offer.get("reprice").get("body").get("only_unpriced").asBoolean())
                .isTrue();
        String priceId = json.readTree(created.body()).get("id").asString();

        // then a dry run of acme's unpriced executions answers the exact diff, once the price reached the table
        JsonNode dry = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> reprice(ACME_ADMIN, "\"only_unpriced\": true, \"dry_run\": true"),
                        answer -> answer.get("executions_affected").asLong() == 12);
        assertThat(dry.get("dry_run").asBoolean()).isTrue();
        assertThat(dry.get("status").asString()).isEqualTo("planned");
        assertThat(dry.get("executions_in_scope").asLong()).isEqualTo(12);
        assertThat(money(dry, "old_total_cost")).isZero();
        assertThat(money(dry, "new_total_cost")).isEqualByComparingTo(acmeNewModelCost);
        assertThat(money(dry, "difference")).isEqualByComparingTo(acmeNewModelCost);
        assertThat(dry.get("corrections_published").asLong()).isZero();
        var byModel = dry.get("by_model");
        assertThat(byModel).hasSize(1);
        assertThat(byModel.get(0).get("model").asString()).isEqualTo(model);
        assertThat(byModel.get(0).get("unpriced_before").asLong()).isEqualTo(12);
        assertThat(byModel.get(0).get("unpriced_after").asLong()).isZero();
        assertThat(dry.get("by_prompt").get(0).get("prompt").asString()).isEqualTo("repricing-e2e");
        assertThat(dry.get("by_day")).isNotEmpty();
        // and nothing changed
        assertThat(usageStats(ACME_ADMIN).get("unpriced_executions").asLong()).isEqualTo(12);
        assertThat(scalar("SELECT count(*) FROM execution_fact WHERE cost_revision > 0"))
                .isZero();
        assertThat(priceId).isNotBlank();
    }

    @Test
    @Order(3)
    void applyingPricesTheUnpricedOnceEveryAggregateAgreesAndARunAgainChangesNothing() throws Exception {
        var applied = reprice(ACME_ADMIN, "\"only_unpriced\": true, \"dry_run\": false");
        assertThat(applied.get("status").asString()).isEqualTo("published");
        assertThat(applied.get("corrections_published").asLong()).isEqualTo(12);
        String id = applied.get("repricing_id").asString();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> run(ACME_ADMIN, id).get("corrections_applied").asLong() == 12);

        var stats = usageStats(ACME_ADMIN);
        assertThat(stats.get("unpriced_executions").asLong()).isZero();
        assertThat(money(stats, "total_cost"))
                .isEqualByComparingTo(acmeCatalogMiniCost
                        .add(REPORTED.multiply(BigDecimal.valueOf(3)))
                        .add(acmeNewModelCost));
        var group = group(breakdown(ACME_ADMIN).get("groups"), model);
        assertThat(group.get("unpriced_executions").asLong()).isZero();
        assertThat(new BigDecimal(group.get("total_cost").asString())).isEqualByComparingTo(acmeNewModelCost);
        // globex's executions of the same model are untouched: another tenant's re-pricing is not its own
        assertThat(usageStats(GLOBEX_ADMIN).get("unpriced_executions").asLong()).isEqualTo(5);
        assertRollupsAgreeWithRawFacts();

        var again = reprice(ACME_ADMIN, "\"only_unpriced\": true, \"dry_run\": false");
        assertThat(again.get("executions_in_scope").asLong()).isZero();
        var everything = reprice(ACME_ADMIN, "\"dry_run\": true");
        assertThat(everything.get("executions_affected").asLong()).isZero();
        assertThat(scalar("""
                        SELECT count(*) FROM audit_log
                        WHERE tenant = 'acme' AND endpoint = 'POST /v1/repricing' AND key_name = 'acme-admin'
                        """)).isGreaterThanOrEqualTo(4);
    }

    @Test
    @Order(4)
    void aTenantDiscountRepricesThatTenantsCatalogPricesOnly() throws Exception {
        var discount = send(cost, "POST", "/v1/prices/discounts", ACME_ADMIN, """
                {"provider": "openai", "percent": 22, "effective_from": "2024-01-01T00:00:00Z",
                 "reason": "negotiated"}
                """);
        assertThat(discount.statusCode()).as(discount.body()).isEqualTo(201);
        BigDecimal factor = new BigDecimal("0.78");
        BigDecimal before = acmeCatalogMiniCost.add(acmeNewModelCost);

        // acme: its 20 catalog-priced executions get 22 % off; the 3 the provider priced keep their total
        // (their catalog cost, kept beside it for reconciliation, is corrected too: 23 affected)
        BigDecimal reported = REPORTED.multiply(BigDecimal.valueOf(3));
        JsonNode dry = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> reprice(ACME_ADMIN, "\"dry_run\": true"),
                        a -> a.get("executions_affected").asLong() == 23);
        assertThat(money(dry, "old_total_cost")).isEqualByComparingTo(before.add(reported));
        assertThat(money(dry, "new_total_cost"))
                .isEqualByComparingTo(before.multiply(factor).add(reported));
        // globex: no discount; only its unpriced executions would change, at the full new price
        var globex = reprice(GLOBEX_ADMIN, "\"dry_run\": true");
        assertThat(globex.get("executions_affected").asLong()).isEqualTo(5);
        assertThat(money(globex, "new_total_cost")).isEqualByComparingTo(globexNewModelCost);

        var applied = reprice(ACME_ADMIN, "\"dry_run\": false");
        String id = applied.get("repricing_id").asString();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> run(ACME_ADMIN, id).get("corrections_applied").asLong() == 23);
        assertThat(money(usageStats(ACME_ADMIN), "total_cost"))
                .isEqualByComparingTo(before.multiply(factor).add(reported));
        assertThat(scalar("""
                        SELECT count(*) FROM execution_fact
                        WHERE tenant = 'acme' AND cost_source = 'provider' AND total_cost = 0.001
                          AND catalog_cost = (3000 * 0.15 + 500 * 0.60) / 1000000 * 0.78
                        """)).isEqualTo(3);
        assertThat(scalar("""
                        SELECT count(*) FROM execution_fact
                        WHERE tenant = 'acme' AND cost_revision = 2 AND discount_percent = 22 AND price_layer = 'default'
                        """))
                .as("the 12 re-priced twice carry revision 2 and the discount")
                .isEqualTo(12);
        assertRollupsAgreeWithRawFacts();
    }

    // ------------------------------------------------------------------------------------------------

    private void assertRollupsAgreeWithRawFacts() {
        for (String table : List.of(
                "execution_rollup_hourly",
                "execution_rollup_daily",
                "execution_summary_hourly",
                "execution_summary_daily")) {
            var differences = strings("""
                            SELECT tenant || ' ' || provider || '/' || model || ': '
                                   || coalesce(r.cost, 0) || ' vs ' || coalesce(f.cost, 0)
                                   || ', unpriced ' || coalesce(r.unpriced, 0) || ' vs ' || coalesce(f.unpriced, 0)
                            FROM (SELECT tenant, provider, model, sum(total_cost) AS cost, sum(unpriced_count) AS unpriced
                                  FROM %s GROUP BY 1, 2, 3) r
                            FULL JOIN (SELECT tenant, provider, model, sum(coalesce(total_cost, 0)) AS cost,
                                              count(*) FILTER (WHERE pricing_status <> 'priced') AS unpriced
                                       FROM execution_fact GROUP BY 1, 2, 3) f USING (tenant, provider, model)
                            WHERE r.cost IS DISTINCT FROM f.cost OR r.unpriced IS DISTINCT FROM f.unpriced
                            """.formatted(table));
            assertThat(differences).as(table + " against raw facts").isEmpty();
        }
    }

    private long scalar(String sql) {
        try (var connection = analyticsDb.getConnection();
                var rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private List<String> strings(String sql) {
        var rows = new ArrayList<String>();
        try (var connection = analyticsDb.getConnection();
                var rs = connection.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private String execution(String model, long in, long out, int i, String reported) {
        var usage = UUID.randomUUID();
        return """
                {"id": "%s", "usage_id": "%s", "occurred_at": "%s", "prompt_slug": "repricing-e2e",
                 "prompt_version": 1, "provider": "openai", "model": "%s", "input_tokens": %d,
                 "output_tokens": %d, "execution_time_ms": 500, "status": "success"%s}""".formatted(
                        UUID.randomUUID(),
                        usage,
                        base.plus(i * 7L, ChronoUnit.MINUTES),
                        model,
                        in,
                        out,
                        reported == null ? "" : ", \"provider_cost_usd\": \"" + reported + "\"");
    }

    private static BigDecimal cost(long in, long out, BigDecimal inPrice, BigDecimal outPrice) {
        return BigDecimal.valueOf(in)
                .multiply(inPrice)
                .add(BigDecimal.valueOf(out).multiply(outPrice))
                .divide(MILLION);
    }

    private void publish(String key, StringBuilder executions, int count) throws Exception {
        executions.setLength(executions.length() - 1);
        var response = send(ingest, "POST", "/v1/events", key, "{\"executions\": [" + executions + "]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json.readTree(response.body()).get("accepted").asInt()).isEqualTo(count);
    }

    private long unpricedCount() throws Exception {
        var response = send(cost, "GET", "/v1/prices/unpriced", PLATFORM_ADMIN, null);
        for (JsonNode row : json.readTree(response.body()).get("models")) {
            if (row.get("model").asString().equals(model)) {
                return row.get("count").asLong();
            }
        }
        return 0;
    }

    private JsonNode reprice(String key, String fields) throws Exception {
        var response = send(
                analytics,
                "POST",
                "/v1/repricing",
                key,
                "{\"from\": \"" + from + "\", \"to\": \"" + to + "\", " + fields + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode run(String key, String id) throws Exception {
        var response = send(analytics, "GET", "/v1/repricing/" + id, key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** Queries are an analyst's: the admin's tenant's analyst key. */
    private static String analyst(String admin) {
        return admin.equals(GLOBEX_ADMIN) ? GLOBEX_ANALYST : ACME_ANALYST;
    }

    private JsonNode usageStats(String admin) throws Exception {
        String key = analyst(admin);
        var response = send(analytics, "GET", "/v1/analytics/usage-stats?from=" + from + "&to=" + to, key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode breakdown(String admin) throws Exception {
        String key = analyst(admin);
        var response = send(
                analytics, "GET", "/v1/analytics/cost-breakdown?group_by=model&from=" + from + "&to=" + to, key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static JsonNode group(JsonNode groups, String name) {
        for (JsonNode group : groups) {
            if (group.get("name").asString().equals(name)) {
                return group;
            }
        }
        throw new AssertionError("no group " + name + " in " + groups);
    }

    private static BigDecimal money(JsonNode node, String field) {
        return new BigDecimal(node.get(field).asString());
    }

    private HttpResponse<String> send(ServiceProcess service, String method, String path, String key, String body)
            throws Exception {
        var request = HttpRequest.newBuilder(service.uri(path)).header("Authorization", "Bearer " + key);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private ServiceProcess start(String module, List<String> arguments) throws Exception {
        var service = ServiceProcess.start(module, arguments);
        services.add(service);
        return service;
    }

    @SafeVarargs
    private static List<String> with(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }

    private static List<String> database(TestPostgres.Database database) {
        return List.of(
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password());
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes()));
    }
}
