package dev.promptengine.ingest.support;

import dev.promptengine.ingest.IngestServiceApplication;
import dev.promptengine.service.auth.ApiKeys;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole ingest-service on a random port against the shared real broker, one Spring context for
 * every test class that extends this. Tenants: {@code acme} (publisher and analyst keys) and
 * {@code globex} (publisher). Capture modes: acme/development FULL, any tenant in environment
 * {@code secure} METADATA_ONLY, everything else REDACTED; one custom rule {@code employee_id}.
 */
@SpringBootTest(
        classes = IngestServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "promptengine.ingest.max-body-size=2MB",
            // generous Kafka timeouts: these tests check behaviour with a healthy broker on a busy
            // machine; BrokerOutageIntegrationTests checks the production defaults
            "promptengine.ingest.publishing.timeout=60s",
            "spring.kafka.producer.properties.max.block.ms=30000",
            "spring.kafka.producer.properties.request.timeout.ms=30000",
            "spring.kafka.producer.properties.delivery.timeout.ms=45000",
            "promptengine.ingest.privacy.default-capture-mode=redacted",
            "promptengine.ingest.privacy.capture-modes[0].tenant=acme",
            "promptengine.ingest.privacy.capture-modes[0].environment=development",
            "promptengine.ingest.privacy.capture-modes[0].mode=full",
            "promptengine.ingest.privacy.capture-modes[1].environment=secure",
            "promptengine.ingest.privacy.capture-modes[1].mode=metadata_only",
            "promptengine.ingest.privacy.custom-rules[0].name=employee_id",
            "promptengine.ingest.privacy.custom-rules[0].pattern=EMP-[0-9]{6}",
        })
public abstract class IngestServiceTestBase {

    public static final String PUBLISHER_KEY = "pe_test_publisher_acme";
    public static final String OTHER_TENANT_PUBLISHER_KEY = "pe_test_publisher_globex";
    public static final String ANALYST_KEY = "pe_test_analyst_acme";
    public static final String ADMIN_KEY = "pe_test_admin_acme";

    private static TopicProbe sharedProbe;

    @LocalServerPort
    protected int port;

    protected IngestApi api;
    protected TopicProbe topics;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        // ingest-service's own principal: the tests also prove its ACLs are enough
        TestInfrastructure.kafka(registry, dev.promptengine.access.kafka.KafkaUser.INGEST);
        key(registry, 0, "acme-publisher", "acme", "PUBLISHER", PUBLISHER_KEY);
        key(registry, 1, "globex-publisher", "globex", "PUBLISHER", OTHER_TENANT_PUBLISHER_KEY);
        key(registry, 2, "acme-analyst", "acme", "ANALYST", ANALYST_KEY);
        key(registry, 3, "acme-admin", "acme", "ADMIN", ADMIN_KEY);
    }

    private static void key(
            DynamicPropertyRegistry registry, int n, String name, String tenant, String role, String key) {
        String prefix = "promptengine.auth.keys[" + n + "].";
        registry.add(prefix + "name", () -> name);
        registry.add(prefix + "tenant", () -> tenant);
        registry.add(prefix + "role", () -> role);
        registry.add(prefix + "sha256", () -> ApiKeys.sha256Hex(key));
    }

    @BeforeEach
    void connect() {
        api = new IngestApi(port);
        if (sharedProbe == null) {
            sharedProbe = new TopicProbe(TestKafka.clientConfig(java.util.Map.of()));
        }
        topics = sharedProbe;
    }

    @AfterAll
    static void closeProbe() {
        if (sharedProbe != null) {
            sharedProbe.close();
            sharedProbe = null;
        }
    }
}
