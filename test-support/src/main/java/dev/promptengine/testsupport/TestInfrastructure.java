package dev.promptengine.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a Spring Boot test at the shared real infrastructure. Use from a
 * {@code @DynamicPropertySource} method:
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void infrastructure(DynamicPropertyRegistry registry) {
 *     TestInfrastructure.kafkaAndPostgres(registry, "cost", DatabaseRole.COST);
 * }
 * }</pre>
 */
public final class TestInfrastructure {

    /** The shared broker, as its super user (tests use topic names of their own, outside the services' ACLs). */
    public static void kafka(DynamicPropertyRegistry registry) {
        sasl(registry, () -> dev.promptengine.access.kafka.KafkaUser.ADMIN, TestKafka::adminPassword);
    }

    /**
     * The shared broker as a service's own principal: the service gets exactly its ACLs, so the test
     * must use the pipeline's topic names.
     */
    public static void kafka(DynamicPropertyRegistry registry, dev.promptengine.access.kafka.KafkaUser user) {
        sasl(registry, user::username, () -> TestKafka.password(user));
    }

    /**
     * The SASL client settings the services' {@code application.yml} has, also for test
     * applications without one.
     */
    private static void sasl(
            DynamicPropertyRegistry registry,
            java.util.function.Supplier<String> username,
            java.util.function.Supplier<String> password) {
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
        registry.add("promptengine.kafka.username", username::get);
        registry.add("promptengine.kafka.password", password::get);
        registry.add("spring.kafka.security.protocol", () -> dev.promptengine.access.kafka.KafkaSecurity.PROTOCOL);
        registry.add(
                "spring.kafka.properties.sasl.mechanism", () -> dev.promptengine.access.kafka.KafkaSecurity.MECHANISM);
        registry.add(
                "spring.kafka.properties.sasl.jaas.config",
                () -> dev.promptengine.access.kafka.KafkaSecurity.scramJaas(username.get(), password.get()));
    }

    /**
     * Kafka plus a fresh database of its own for this test class, where the service logs in as its
     * own role (as in the local stack: password, owns only its schema, no superuser).
     */
    public static TestPostgres.Database kafkaAndPostgres(
            DynamicPropertyRegistry registry,
            String databasePrefix,
            dev.promptengine.access.postgres.DatabaseRole role) {
        kafka(registry);
        var database = TestPostgres.newDatabase(databasePrefix, role);
        registry.add("spring.datasource.url", database::url);
        if (role == dev.promptengine.access.postgres.DatabaseRole.ANALYTICS) {
            // as in the local stack: the query API reads as pe_analytics_query, the write path and
            // the migrations run as the schema's owner
            var reader =
                    TestPostgres.newDatabase(database, dev.promptengine.access.postgres.DatabaseRole.ANALYTICS_QUERY);
            registry.add("spring.datasource.username", reader::username);
            registry.add("spring.datasource.password", reader::password);
            registry.add("promptengine.analytics.writer.username", database::username);
            registry.add("promptengine.analytics.writer.password", database::password);
        } else {
            registry.add("spring.datasource.username", database::username);
            registry.add("spring.datasource.password", database::password);
        }
        return database;
    }

    /**
     * API keys for the service under test, each {@code {name, tenant, ROLE, raw key}}; the service
     * gets only their SHA-256 hashes, as in production.
     */
    public static void apiKeys(DynamicPropertyRegistry registry, String[][] keys) {
        for (int i = 0; i < keys.length; i++) {
            String[] key = keys[i];
            String prefix = "promptengine.auth.keys[" + i + "].";
            registry.add(prefix + "name", () -> key[0]);
            registry.add(prefix + "tenant", () -> key[1]);
            registry.add(prefix + "role", () -> key[2]);
            registry.add(prefix + "sha256", () -> sha256Hex(key[3]));
        }
    }

    private static String sha256Hex(String value) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private TestInfrastructure() {}
}
