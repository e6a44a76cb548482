package dev.promptengine.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.postgres.DatabaseRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml mirrors the local stack: every principal and role gets its own password from
 * the credentials file, each service runs as its own principal, the ports are the architecture's
 * and reachable from the host's loopback only. ({@code docker-compose config -q} in CI checks the
 * file's syntax.)
 */
class ComposeFileTests {

    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

    @Test
    void everyPrincipalAndRoleGetsItsPasswordFromTheCredentialsFile() throws Exception {
        var services = services();

        var access = environment(services, "kafka-access");
        for (var user : KafkaUser.values()) {
            assertThat(access).containsEntry(user.passwordVariable(), "${" + user.passwordVariable() + ":-}");
        }
        var postgres = environment(services, "postgres");
        String roles = Files.readString(Path.of("compose", "postgres-roles.sh"));
        for (var role : DatabaseRole.values()) {
            assertThat(postgres).containsEntry(role.passwordVariable(), "${" + role.passwordVariable() + ":-}");
            assertThat(roles).contains("CREATE ROLE " + role.role() + " LOGIN");
        }
    }

    @Test
    void eachServiceRunsAsItsOwnPrincipalAndRoleOnTheArchitecturesPort() throws Exception {
        var services = services();

        assertService(services, "ingest-service", KafkaUser.INGEST, 8081);
        assertService(services, "cost-service", KafkaUser.COST, 8082);
        assertService(services, "analytics-service", KafkaUser.ANALYTICS, 8083);
        assertThat(environment(services, "cost-service"))
                .containsEntry("SPRING_DATASOURCE_USERNAME", DatabaseRole.COST.role());
        assertThat(environment(services, "analytics-service"))
                .containsEntry("SPRING_DATASOURCE_USERNAME", DatabaseRole.ANALYTICS_QUERY.role())
                .containsEntry("PROMPTENGINE_ANALYTICS_WRITER_USERNAME", DatabaseRole.ANALYTICS.role());
        assertThat(ports(services, "kafka")).containsExactly("127.0.0.1:9092:9092");
        assertThat(ports(services, "postgres")).containsExactly("127.0.0.1:5432:5432");
    }

    @Test
    void ingestAndAnalyticsShareOneContentKeyVolumeThatTheirImagesHandToTheServiceUser() throws Exception {
        var services = services();

        for (String name : List.of("ingest-service", "analytics-service")) {
            assertThat(environment(services, name))
                    .as(name)
                    .containsEntry("PROMPTENGINE_PRIVACY_ENCRYPTION_KEY_DIRECTORY", "/keys");
            assertThat(volumes(services, name)).as(name).contains("content-keys:/keys");
            // a named volume starts as a copy of the image's directory, owner included
            assertThat(Files.readString(Path.of("..", name, "Dockerfile")))
                    .as(name)
                    .contains("mkdir -m 0700 /keys && chown promptengine /keys");
        }
        assertThat(environment(services, "ingest-service"))
                .containsEntry("PROMPTENGINE_PRIVACY_ENCRYPTION_ENABLED", "${PE_ENCRYPTION_ENABLED:-false}");
        assertThat(volumes(services, "cost-service")).noneMatch(volume -> volume.contains("keys"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumes(Map<String, Object> services, String name) {
        return (List<String>) ((Map<String, Object>) services.get(name)).get("volumes");
    }

    private static void assertService(Map<String, Object> services, String name, KafkaUser user, int port) {
        var environment = environment(services, name);
        assertThat(environment)
                .containsEntry("PROMPTENGINE_KAFKA_PASSWORD", "${" + user.passwordVariable() + ":-}")
                .containsEntry("SERVER_PORT", port)
                .containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:29092");
        assertThat(ports(services, name)).containsExactly("127.0.0.1:" + port + ":" + port);
        assertThat(user.username()).isEqualTo(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws Exception {
        Map<String, Object> compose =
                new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(COMPOSE));
        return (Map<String, Object>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> services, String name) {
        return (Map<String, Object>) ((Map<String, Object>) services.get(name)).get("environment");
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(Map<String, Object> services, String name) {
        return (List<String>) ((Map<String, Object>) services.get(name)).get("ports");
    }
}
