package dev.promptengine.analytics.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import dev.promptengine.analytics.rollup.RollupShape;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** The reporting views, read with a tenant's reporting role, answer what the query API answers. */
class ReportingViewsIntegrationTests extends QueryApiTestSupport {

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Test
    void costsByModelFromTheViewsEqualTheApiExactly() throws SQLException {
        var from = TestData.D0.minus(java.time.Duration.ofDays(7));
        var to = TestData.D0.plus(java.time.Duration.ofDays(1));
        var api = get(
                        "/v1/analytics/cost-breakdown",
                        params("group_by", "model", "from", from.toString(), "to", to.toString()),
                        ACME_ANALYST)
                .json();
        var expected = new HashMap<String, String>();
        api.get("groups")
                .forEach(group -> expected.put(
                        group.get("name").asString(),
                        group.get("total_cost").asString() + " n="
                                + group.get("execution_count").asLong()));

        try (var acme = reportingRole(ACME_ADMIN)) {
            var daily = costsByModel(acme, "execution_stats_daily_v1", "bucket_start", from, to);
            var raw = costsByModel(acme, "executions_v1", "occurred_at", from, to);

            assertThat(daily).isEqualTo(expected).isNotEmpty();
            assertThat(raw).isEqualTo(expected);
        }
    }

    @Test
    void unpricedExecutionsAreCountedAndNeverCostZero() throws SQLException {
        try (var acme = reportingRole(ACME_ADMIN)) {
            var unpricedWithCost = scalar(
                    acme,
                    "SELECT count(*) FROM executions_v1 WHERE pricing_status <> 'priced' AND total_cost IS NOT NULL");
            var unpricedRollups =
                    scalar(acme, "SELECT coalesce(sum(unpriced_executions), 0) FROM execution_stats_hourly_v1");
            var unpricedRaw = scalar(acme, "SELECT count(*) FROM executions_v1 WHERE pricing_status <> 'priced'");
            var allUnpricedRowsWithCost = scalar(
                    acme,
                    "SELECT count(*) FROM execution_stats_hourly_v1 WHERE priced_executions = 0 AND total_cost IS NOT NULL");

            assertThat(unpricedWithCost).isZero();
            assertThat(allUnpricedRowsWithCost).isZero();
            assertThat(unpricedRollups).isEqualTo(unpricedRaw);
        }
    }

    @Test
    void aTenantsRoleSeesOnlyItsTenant() throws SQLException {
        try (var acme = reportingRole(ACME_ADMIN);
                var globex = reportingRole(GLOBEX_ADMIN)) {
            for (String view : views()) {
                assertThat(scalar(globex, "SELECT count(*) FROM " + view + " WHERE tenant <> 'globex'"))
                        .as(view)
                        .isZero();
                assertThat(scalar(acme, "SELECT count(*) FROM " + view + " WHERE tenant <> 'acme'"))
                        .as(view)
                        .isZero();
            }
            assertThat(scalar(acme, "SELECT count(*) FROM executions_v1")).isPositive();
            assertThat(scalar(acme, "SELECT count(*) FROM usages_v1")).isPositive();
            assertThat(scalar(globex, "SELECT count(*) FROM executions_v1")).isPositive();
        }
    }

    @Test
    void aReportingRoleCannotReadTablesNorWrite() throws SQLException {
        try (var acme = reportingRole(ACME_ADMIN)) {
            assertThatThrownBy(() -> scalar(acme, "SELECT count(*) FROM analytics.execution_fact"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> scalar(acme, "SELECT count(*) FROM analytics.reporting_role"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> {
                        try (var statement = acme.createStatement()) {
                            statement.executeUpdate("DELETE FROM executions_v1");
                        }
                    })
                    .isInstanceOf(SQLException.class);
            assertThat(scalar(acme, "SELECT count(*) FROM executions_v1")).isPositive();
        }
    }

    @Test
    void aRoleWithoutTenantMappingSeesNothing() {
        // the fixtures' pool logs in as the schema's owner, which has no mapping
        long tableRows = jdbc.sql("SELECT count(*) FROM execution_fact")
                .query(Long.class)
                .single();
        long viewRows = jdbc.sql("SELECT count(*) FROM reporting.executions_v1")
                .query(Long.class)
                .single();

        assertThat(tableRows).isPositive();
        assertThat(viewRows).isZero();
    }

    @Test
    void onlyATenantAdminCreatesReportingRolesAndEachIsAudited() {
        var refused = postJson("/v1/admin/reporting-roles", "{}", ACME_ANALYST);
        long before = auditRows();
        var created = postJson("/v1/admin/reporting-roles", "{}", ACME_ADMIN);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("tenant").asString()).isEqualTo("acme");
        assertThat(created.json().get("password").asString()).hasSize(32);
        assertThat(auditRows()).isEqualTo(before + 1);
    }

    @Test
    void aTenantAdminListsAndDropsOnlyItsOwnRolesAndADroppedRoleReadsNothing() throws SQLException {
        var created = postJson("/v1/admin/reporting-roles", "{}", ACME_ADMIN).json();
        String role = created.get("role").asString();
        var globexRole = postJson("/v1/admin/reporting-roles", "{}", GLOBEX_ADMIN)
                .json()
                .get("role")
                .asString();
        try (var open = DriverManager.getConnection(
                databaseUrl, role, created.get("password").asString())) {
            assertThat(scalar(open, "SELECT count(*) FROM executions_v1")).isPositive();

            var listed = get("/v1/admin/reporting-roles", ACME_ADMIN);
            var listedRoles = new java.util.ArrayList<String>();
            listed.json().get("roles").forEach(r -> {
                listedRoles.add(r.get("role").asString());
                assertThat(r.get("tenant").asString()).isEqualTo("acme");
                assertThat(r.has("password")).isFalse();
            });
            var foreign = delete("/v1/admin/reporting-roles/" + globexRole, ACME_ADMIN);
            var notGenerated = delete("/v1/admin/reporting-roles/pe_analytics", ACME_ADMIN);
            var byAnalyst = delete("/v1/admin/reporting-roles/" + role, ACME_ANALYST);
            long auditedDrops = auditRows("DELETE /v1/admin/reporting-roles/{role}");
            var dropped = delete("/v1/admin/reporting-roles/" + role, ACME_ADMIN);
            var again = delete("/v1/admin/reporting-roles/" + role, ACME_ADMIN);

            assertThat(listed.status()).isEqualTo(200);
            assertThat(listedRoles).contains(role).doesNotContain(globexRole);
            assertThat(foreign.status()).as(foreign.body()).isEqualTo(404);
            assertThat(notGenerated.status()).isEqualTo(404);
            assertThat(byAnalyst.status()).isEqualTo(403);
            assertThat(dropped.status()).as(dropped.body()).isEqualTo(200);
            assertThat(dropped.json().get("role").asString()).isEqualTo(role);
            assertThat(again.status()).isEqualTo(404);
            assertThat(auditRows("DELETE /v1/admin/reporting-roles/{role}")).isEqualTo(auditedDrops + 1);
            // the role is gone from PostgreSQL; the session still open reads no row
            assertThat(jdbc.sql("SELECT count(*) FROM pg_roles WHERE rolname = :role")
                            .param("role", role)
                            .query(Long.class)
                            .single())
                    .isZero();
            assertThatThrownBy(() -> scalar(open, "SELECT count(*) FROM reporting.executions_v1"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> scalar(open, "SELECT count(*) FROM executions_v1"))
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> DriverManager.getConnection(
                            databaseUrl, role, created.get("password").asString()))
                    .isInstanceOf(SQLException.class);
            // the other tenant's role is untouched
            assertThat(get("/v1/admin/reporting-roles", GLOBEX_ADMIN).body()).contains(globexRole);
        }
    }

    @Test
    void theRollupViewsCoverTheCatalogueShapesTheyRead() {
        var shapes = Map.of(
                "execution_stats_hourly_v1", RollupShape.PROMPT_HOURLY.executionTable(),
                "execution_stats_daily_v1", RollupShape.PROMPT_DAILY.executionTable(),
                "usage_stats_hourly_v1", RollupShape.PROMPT_HOURLY.usageTable(),
                "usage_stats_daily_v1", RollupShape.PROMPT_DAILY.usageTable());
        for (var entry : shapes.entrySet()) {
            var read = jdbc.sql("""
                            SELECT table_name FROM information_schema.view_table_usage
                            WHERE view_schema = 'reporting' AND view_name = :view AND table_name <> 'reporting_role'
                            """)
                    .param("view", entry.getKey())
                    .query(String.class)
                    .list();
            var columns = jdbc.sql("""
                            SELECT column_name FROM information_schema.columns
                            WHERE table_schema = 'reporting' AND table_name = :view
                            """)
                    .param("view", entry.getKey())
                    .query(String.class)
                    .list();
            var shape = entry.getKey().startsWith("execution")
                    ? RollupShape.PROMPT_HOURLY.executionDimensions()
                    : RollupShape.PROMPT_HOURLY.usageDimensions();

            assertThat(read).as(entry.getKey()).containsExactly(entry.getValue());
            assertThat(columns)
                    .as(entry.getKey())
                    .contains("tenant", "bucket_start")
                    .containsAll(shape);
        }
    }

    private long auditRows() {
        return auditRows("POST /v1/admin/reporting-roles");
    }

    private long auditRows(String endpoint) {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE endpoint = :endpoint")
                .param("endpoint", endpoint)
                .query(Long.class)
                .single();
    }

    private List<String> views() {
        return jdbc.sql("SELECT table_name FROM information_schema.views WHERE table_schema = 'reporting'")
                .query(String.class)
                .list();
    }

    private Connection reportingRole(String adminKey) throws SQLException {
        var created = postJson("/v1/admin/reporting-roles", "{}", adminKey);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var body = created.json();
        return DriverManager.getConnection(
                databaseUrl, body.get("role").asString(), body.get("password").asString());
    }

    private static Map<String, String> costsByModel(
            Connection connection, String view, String time, java.time.Instant from, java.time.Instant to)
            throws SQLException {
        var sql = "SELECT model, sum(total_cost), "
                + (view.equals("executions_v1") ? "count(*)" : "sum(executions)") + " FROM " + view
                + " WHERE " + time + " >= ? AND " + time + " < ? GROUP BY model";
        var answer = new HashMap<String, String>();
        try (var statement = connection.prepareStatement(sql)) {
            statement.setObject(1, java.time.OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC));
            statement.setObject(2, java.time.OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC));
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    BigDecimal cost = rows.getBigDecimal(2);
                    answer.put(
                            rows.getString(1),
                            (cost == null ? BigDecimal.ZERO : cost)
                                            .stripTrailingZeros()
                                            .toPlainString() + " n=" + rows.getLong(3));
                }
            }
        }
        return answer;
    }

    private static long scalar(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
