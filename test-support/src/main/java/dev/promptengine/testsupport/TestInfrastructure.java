package dev.promptengine.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a Spring Boot test at the shared real infrastructure. Use from a
 * {@code @DynamicPropertySource} method:
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void infrastructure(DynamicPropertyRegistry registry) {
 *     TestInfrastructure.kafkaAndPostgres(registry, "cost");
 * }
 * }</pre>
 */
public final class TestInfrastructure {

    public static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    /** Kafka plus a fresh database of its own for this test class. */
    public static TestPostgres.Database kafkaAndPostgres(DynamicPropertyRegistry registry, String databasePrefix) {
        kafka(registry);
        var database = TestPostgres.newDatabase(databasePrefix);
        registry.add("spring.datasource.url", database::url);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
        return database;
    }

    private TestInfrastructure() {}
}
