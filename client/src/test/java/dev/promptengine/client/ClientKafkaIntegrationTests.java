package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.client.support.Topic;
import dev.promptengine.events.CaptureMode;
import dev.promptengine.schemas.Topics;
import dev.promptengine.schemas.sealing.ContentOpener;
import dev.promptengine.schemas.sealing.KeyUnavailableException;
import dev.promptengine.schemas.sealing.LocalKeyDirectory;
import dev.promptengine.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kafka transport as the {@code direct-producer} principal, confined by the broker's ACLs. */
class ClientKafkaIntegrationTests {

    private static final Duration AWAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void topics() {
        // the services create them on start; here no service runs
        TestKafka.createTopics(6, Topics.USAGE.name(), Topics.EXECUTION.name());
    }

    @Test
    void deliversToThePipelineTopicsExactlyOnceAsTheDirectProducer() {
        var recorded = new ArrayList<Event>();
        try (var client = directProducer(TestKafka.password(KafkaUser.DIRECT_PRODUCER))) {
            ClientHttpIntegrationTests.recordPairs(client, 150, "direct", recorded);

            await().atMost(AWAIT).untilAsserted(() -> assertThat(client.sent()).isEqualTo(300));
            assertThat(client.rejected()).isZero();
            assertThat(client.dropped()).isZero();
        }
        ClientHttpIntegrationTests.assertExactlyOnceOnTheTopics(recorded);
        Set<UUID> ids = recorded.stream().map(Event::id).collect(Collectors.toSet());
        assertThat(Topic.executions(e -> ids.contains(e.getId()))).allSatisfy(received -> {
            assertThat(received.value().getTenant()).isEqualTo("acme");
            assertThat(received.value().getReceivedAt()).isNull();
            assertThat(received.value().getCaptureMode()).isEqualTo(CaptureMode.REDACTED);
        });
        assertThat(Topic.usages(u -> ids.contains(u.getId()))).allSatisfy(received -> {
            assertThat(received.value().getTenant()).isEqualTo("acme");
            assertThat(received.value().getParameters()).contains("\"customer\":\"Ada\"");
            assertThat(received.value().getMetadata()).isEqualTo("{\"contact\":\"[REDACTED:email]\"}");
            assertThat(received.value().getRedactions()).containsEntry("email", 1);
        });
    }

    @Test
    void withSealContentTheContentLeavesTheHostAsCiphertextThatOnlyTheTenantsKeysOpen() throws Exception {
        Path keys = Files.createTempDirectory("pe-client-keys-");
        var recorded = new ArrayList<Event>();
        try (var client = builder(TestKafka.password(KafkaUser.DIRECT_PRODUCER))
                .sealContent(keys)
                .build()) {
            ClientHttpIntegrationTests.recordPairs(client, 5, "sealed", recorded);

            await().atMost(AWAIT).untilAsserted(() -> assertThat(client.sent()).isEqualTo(10));
            assertThat(client.rejected()).isZero();
        }
        Set<UUID> ids = recorded.stream().map(Event::id).collect(Collectors.toSet());
        var opener = new ContentOpener(new LocalKeyDirectory(keys), Clock.systemUTC());
        var usages = Topic.usages(u -> ids.contains(u.getId()));
        var executions = Topic.executions(e -> ids.contains(e.getId()));
        assertThat(usages).hasSize(5);
        assertThat(executions).hasSize(5);
        assertThat(usages).allSatisfy(received -> {
            var usage = received.value();
            assertThat(usage.getRenderedContent()).isNull();
            assertThat(usage.getParameters()).isNull();
            assertThat(usage.getPromptSlug()).isEqualTo("support-reply"); // metadata stays in clear
            String content = new String(opener.open("acme", usage.getId(), usage.getSealed()), StandardCharsets.UTF_8);
            assertThat(content)
                    .contains("\"rendered_content\":\"Write a friendly reply about order ")
                    .contains("\\\"customer\\\":\\\"Ada\\\""); // parameters: JSON text in a JSON string
        });
        assertThat(executions).allSatisfy(received -> {
            var execution = received.value();
            assertThat(execution.getMessages()).isEmpty();
            assertThat(execution.getResponseContent()).isNull();
            assertThat(execution.getInputTokens()).isPositive();
            String content =
                    new String(opener.open("acme", execution.getId(), execution.getSealed()), StandardCharsets.UTF_8);
            assertThat(content)
                    .contains("{\"role\":\"system\",\"content\":\"Be kind.\"}")
                    .contains("\"response_content\":\"Dear Ada, ...\"");
            // bound to its event and tenant: another tenant's name does not open it
            assertThatThrownBy(() -> opener.open("globex", execution.getId(), execution.getSealed()))
                    .isInstanceOf(KeyUnavailableException.class);
        });
        try (var files = Files.walk(keys)) {
            assertThat(files.filter(Files::isRegularFile).toList())
                    .singleElement()
                    .satisfies(kek -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kek)))
                            .isEqualTo("rw-------"));
        }
    }

    @Test
    void sealContentIsRefusedForTheHttpTransportWhereIngestSeals() {
        assertThatThrownBy(() -> PromptEngine.http("http://127.0.0.1:9", "pe_pub_x")
                        .sealContent(Path.of("keys"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ingest-service seals");
    }

    @Test
    void aWrongPasswordRejectsTheEventsInsteadOfRetryingForever() {
        try (var client = directProducer("not-the-password")) {
            ClientHttpIntegrationTests.recordPairs(client, 3, "wrong-password", new ArrayList<>());

            await().atMost(AWAIT)
                    .untilAsserted(() -> assertThat(client.rejected()).isEqualTo(6));
            assertThat(client.sent()).isZero();
            assertThat(client.retried()).isZero();
        }
    }

    private static PromptEngine directProducer(String password) {
        return builder(password).build();
    }

    private static PromptEngine.Builder builder(String password) {
        return PromptEngine.kafka(TestKafka.bootstrapServers(), KafkaUser.DIRECT_PRODUCER.username(), password)
                .tenant("acme")
                .maxBatchSize(100)
                .linger(Duration.ofMillis(20))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }
}
