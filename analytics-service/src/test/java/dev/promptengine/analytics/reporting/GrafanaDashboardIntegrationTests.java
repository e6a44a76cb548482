package dev.promptengine.analytics.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * The compose Grafana dashboard (deploy/compose/grafana) runs, panel by panel, as a tenant's
 * reporting role against the reporting views, and its cost panel adds up to what the API answers.
 */
class GrafanaDashboardIntegrationTests extends QueryApiTestSupport {

    private static final Path DASHBOARD = Path.of("../deploy/compose/grafana/dashboards/promptengine-cost.json");
    private static final Path DATASOURCE =
            Path.of("../deploy/compose/grafana/provisioning/datasources/promptengine.yml");
    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([a-z_]+)\\)");
    private static final Instant FROM = TestData.D0.minus(Duration.ofDays(14));
    private static final Instant TO = TestData.D0.plus(Duration.ofDays(1));

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Test
    void everyPanelReadsTheProvisionedDatasource() throws IOException {
        var panels = panels();

        assertThat(Files.readString(DATASOURCE)).contains("uid: promptengine");
        assertThat(panels).hasSizeGreaterThanOrEqualTo(5);
        for (JsonNode panel : panels) {
            var title = panel.get("title").asString();
            assertThat(panel.get("datasource").get("uid").asString()).as(title).isEqualTo("promptengine");
            assertThat(panel.get("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                assertThat(target.get("datasource").get("uid").asString())
                        .as(title)
                        .isEqualTo("promptengine");
            }
        }
    }

    @Test
    void everyPanelQuerySucceedsAsTheReportingRoleAndReturnsRows() throws IOException, SQLException {
        try (var acme = reportingRole(ACME_ADMIN)) {
            for (JsonNode panel : panels()) {
                for (JsonNode target : panel.get("targets")) {
                    var title = panel.get("title").asString();

                    var rows = run(acme, target.get("rawSql").asString());

                    assertThat(rows).as(title).isNotEmpty();
                }
            }
        }
    }

    @Test
    void costPerDayByModelAddsUpToTheApiExactly() throws IOException, SQLException {
        var api = get(
                        "/v1/analytics/cost-breakdown",
                        params("group_by", "model", "from", FROM.toString(), "to", TO.toString()),
                        ACME_ANALYST)
                .json();
        var expected = new HashMap<String, BigDecimal>();
        api.get("groups")
                .forEach(group -> expected.put(
                        group.get("name").asString(),
                        new BigDecimal(group.get("total_cost").asString())));
        var panel = panel("Cost per day by model");

        var summed = new HashMap<String, BigDecimal>();
        try (var acme = reportingRole(ACME_ADMIN)) {
            for (var row : run(acme, panel.get("targets").get(0).get("rawSql").asString())) {
                var cost = (BigDecimal) row.get("value");
                summed.merge((String) row.get("metric"), cost == null ? BigDecimal.ZERO : cost, BigDecimal::add);
            }
        }

        assertThat(summed.keySet()).isEqualTo(expected.keySet()).isNotEmpty();
        expected.forEach(
                (model, cost) -> assertThat(summed.get(model)).as(model).isEqualByComparingTo(cost));
    }

    private Connection reportingRole(String adminKey) throws SQLException {
        var created = postJson("/v1/admin/reporting-roles", "{}", adminKey);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var body = created.json();
        return DriverManager.getConnection(
                databaseUrl, body.get("role").asString(), body.get("password").asString());
    }

    private static List<JsonNode> panels() throws IOException {
        var panels = new ArrayList<JsonNode>();
        JSON.readTree(Files.readString(DASHBOARD)).get("panels").forEach(panels::add);
        return panels;
    }

    private static JsonNode panel(String title) throws IOException {
        return panels().stream()
                .filter(panel -> panel.get("title").asString().equals(title))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no panel " + title));
    }

    /** Expands Grafana's {@code $__timeFilter(column)} as Grafana does, over the test data's range. */
    private static String expand(String rawSql) {
        var sql = TIME_FILTER
                .matcher(rawSql)
                .replaceAll(match -> Matcher.quoteReplacement(
                        match.group(1) + " >= '" + FROM + "' AND " + match.group(1) + " < '" + TO + "'"));
        assertThat(sql).as("only $__timeFilter is expanded").doesNotContain("$__");
        return sql;
    }

    private static List<Map<String, Object>> run(Connection connection, String rawSql) throws SQLException {
        var answer = new ArrayList<Map<String, Object>>();
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery(expand(rawSql))) {
            var columns = rows.getMetaData();
            while (rows.next()) {
                var row = new LinkedHashMap<String, Object>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    row.put(columns.getColumnLabel(i), rows.getObject(i));
                }
                answer.add(row);
            }
        }
        return answer;
    }
}
