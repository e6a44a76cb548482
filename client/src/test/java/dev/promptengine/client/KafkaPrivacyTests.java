package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.schemas.privacy.TextRedactor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The direct Kafka path applies ingest-service's rules (the shared {@code TextRedactor}) before anything leaves the host. */
class KafkaPrivacyTests {

    @Test
    void redactedModeReplacesDetectedDataDropsKeysAndCountsTheRules() {
        var transport = transport(CaptureMode.REDACTED);
        Usage usage = Usage.builder("support-reply", 3)
                .renderedContent("Write to ada@example.com about EMP-123456")
                .parameters(Map.of("customer", "ada@example.com", "password", "hunter2"))
                .metadata(Map.of("tags", List.of("call +44 20 7946 0958")))
                .build(Fixtures.execution(Fixtures.usage()).id(), Fixtures.NOW);

        var event = transport.usage(usage);

        assertThat(event.getRenderedContent()).isEqualTo("Write to [REDACTED:email] about [REDACTED:employee_id]");
        assertThat(event.getParameters()).isEqualTo("{\"customer\":\"[REDACTED:email]\"}");
        assertThat(event.getMetadata()).isEqualTo("{\"tags\":[\"call [REDACTED:phone]\"]}");
        assertThat(event.getCaptureMode()).isEqualTo(dev.promptengine.events.CaptureMode.REDACTED);
        assertThat(event.getRedactions()).isEqualTo(Map.of("email", 2, "employee_id", 1, "phone", 1, "dropped_key", 1));
    }

    @Test
    void metadataOnlyKeepsRolesAndRedactedErrorMessagesButNoContent() {
        var transport = transport(CaptureMode.METADATA_ONLY);
        Usage usage = Fixtures.usage();
        Execution execution = Execution.builder(usage)
                .provider("openai")
                .model("gpt-4o")
                .messages(List.of(Message.user("I am ada@example.com")))
                .responseContent("Hello Ada")
                .status(Status.ERROR)
                .errorMessage("rejected key sk-proj-abcdefghijklmnopqrstuvwxyz012345")
                .build(Fixtures.execution(usage).id(), Fixtures.NOW);

        var event = transport.execution(execution);

        assertThat(event.getMessages()).singleElement().satisfies(message -> {
            assertThat(message.getRole()).isEqualTo("user");
            assertThat(message.getContent()).isNull();
        });
        assertThat(event.getResponseContent()).isNull();
        assertThat(event.getErrorMessage()).isEqualTo("rejected key [REDACTED:api_key]");
        assertThat(event.getCaptureMode()).isEqualTo(dev.promptengine.events.CaptureMode.METADATA_ONLY);
    }

    @Test
    void fullModeKeepsContentVerbatimButStillDropsKeys() {
        var transport = transport(CaptureMode.FULL);
        Usage usage = Usage.builder("support-reply", 3)
                .renderedContent("Write to ada@example.com")
                .parameters(Map.of("token", "abc"))
                .build(Fixtures.usage().id(), Fixtures.NOW);

        var event = transport.usage(usage);

        assertThat(event.getRenderedContent()).isEqualTo("Write to ada@example.com");
        assertThat(event.getParameters()).isEqualTo("{}");
        assertThat(event.getRedactions()).isEqualTo(Map.of("dropped_key", 1));
    }

    private static KafkaTransport transport(CaptureMode mode) {
        var privacy = new Privacy(
                mode,
                new TextRedactor(
                        TextRedactor.builtInDetectors(),
                        Map.of("employee_id", "EMP-[0-9]{6}"),
                        TextRedactor.DEFAULT_DROPPED_KEYS));
        // the producer is created but never connects: these tests only build the events
        return new KafkaTransport(
                Map.of(
                        "bootstrap.servers", "127.0.0.1:9",
                        "transactional.id", "direct-producer-test",
                        "enable.idempotence", true,
                        "acks", "all"),
                "acme",
                privacy,
                null,
                1_000_000,
                new Problems());
    }
}
