package dev.promptengine.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.access.postgres.DatabaseRole;
import dev.promptengine.access.postgres.PostgresAccess;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The test server has the product's database access rules: passwords always, a role per service confined to its schema. */
class PostgresAccessIntegrationTests {

    @Test
    void aConnectionWithoutTheRightPasswordIsRefused() {
        var server = TestPostgres.server();
        assertThatThrownBy(() -> DriverManager.getConnection(server.url(), "postgres", ""))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> DriverManager.getConnection(server.url(), "postgres", "not-the-password"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void eachServiceRoleOwnsItsSchemaAndNothingElse() throws Exception {
        // Given one database with both services' roles, as in the local stack
        var cost = TestPostgres.newDatabase("access", DatabaseRole.COST);
        try (var superuser = DriverManager.getConnection(
                cost.url(),
                TestPostgres.server().username(),
                TestPostgres.server().password())) {
            PostgresAccess.provision(
                    superuser, DatabaseRole.ANALYTICS, TestPostgres.rolePassword(DatabaseRole.ANALYTICS));
        }
        try (var connection = cost.connect();
                var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE cost.prices_probe (id int)");
            statement.execute("INSERT INTO cost.prices_probe VALUES (1)");
        }

        // Then analytics cannot read cost's tables, and neither role can escalate
        try (var connection = DriverManager.getConnection(
                        cost.url(), DatabaseRole.ANALYTICS.role(), TestPostgres.rolePassword(DatabaseRole.ANALYTICS));
                var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE analytics.facts_probe (id int)");
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM cost.prices_probe"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("CREATE SCHEMA intruder"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("CREATE ROLE intruder"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("CREATE TABLE public.intruder (id int)"))
                    .hasMessageContaining("permission denied");
        }
        try (var connection = cost.connect();
                var rows = connection
                        .createStatement()
                        .executeQuery(
                                "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")) {
            rows.next();
            assertThat(rows.getBoolean(1) || rows.getBoolean(2) || rows.getBoolean(3))
                    .isFalse();
        }
    }
}
