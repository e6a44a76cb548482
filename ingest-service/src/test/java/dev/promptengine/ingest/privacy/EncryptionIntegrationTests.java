package dev.promptengine.ingest.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.ingest.support.Events;
import dev.promptengine.ingest.support.IngestServiceTestBase;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import dev.promptengine.schemas.sealing.ContentOpener;
import dev.promptengine.schemas.sealing.LocalKeyDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** With encryption on, no content field leaves ingest in clear; the sealed content opens with the tenant's key. */
class EncryptionIntegrationTests extends IngestServiceTestBase {

    private static final Path KEYS = temporaryKeyDirectory();

    @DynamicPropertySource
    static void encryption(DynamicPropertyRegistry registry) {
        registry.add("promptengine.privacy.encryption.enabled", () -> "true");
        registry.add("promptengine.privacy.encryption.key-directory", KEYS::toString);
    }

    @Test
    void contentFieldsReachKafkaOnlyAsCiphertextWhileMetadataStaysClear() throws Exception {
        // Given: acme/development is FULL capture, so nothing is redacted before sealing
        UUID usageId = UUID.randomUUID();
        var usage = Events.usage(usageId)
                .put("environment", "development")
                .put("rendered_content", "the quarterly numbers of Initech");
        usage.put("rendered_system_message", "You are the CFO's assistant");
        var execution = Events.execution(usageId)
                .put("environment", "development")
                .put("response_content", "revenue fell by 12 percent")
                .put("status", "error")
                .put("error_message", "rate limit exceeded for org-secret");
        var before = topics.snapshot();

        // When
        var response = api.postJson(
                "/v1/events", PUBLISHER_KEY, Events.batch(usage, execution).toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        var records = topics.awaitRecordsSince(before, found -> found.size() == 2);
        PromptUsage sealedUsage = (PromptUsage) only(records, Topics.USAGE.name());
        LlmExecution sealedExecution = (LlmExecution) only(records, Topics.EXECUTION.name());
        String wire = wire(Topics.USAGE.name(), sealedUsage) + wire(Topics.EXECUTION.name(), sealedExecution);
        for (String secret : new String[] {"Initech", "CFO", "revenue fell", "org-secret", "refund", "Ada"}) {
            assertThat(wire).doesNotContain(secret);
        }
        assertThat(sealedUsage.getRenderedContent()).isNull();
        assertThat(sealedUsage.getParameters()).isNull();
        assertThat(sealedExecution.getMessages()).isEmpty();
        assertThat(sealedExecution.getResponseContent()).isNull();
        assertThat(sealedExecution.getErrorMessage()).isNull();
        assertThat(sealedExecution.getModel()).isEqualTo(execution.get("model").asString());
        assertThat(sealedExecution.getInputTokens())
                .isEqualTo(execution.get("input_tokens").asLong());

        var opener = new ContentOpener(new LocalKeyDirectory(KEYS), Clock.systemUTC());
        var json = JsonMapper.builder().build();
        var usageContent = json.readTree(opener.open("acme", usageId, sealedUsage.getSealed()));
        var executionContent = json.readTree(opener.open("acme", sealedExecution.getId(), sealedExecution.getSealed()));
        assertThat(usageContent.get("rendered_content").asString()).isEqualTo("the quarterly numbers of Initech");
        assertThat(usageContent.get("rendered_system_message").asString()).isEqualTo("You are the CFO's assistant");
        assertThat(json.readTree(usageContent.get("parameters").asString())).isEqualTo(usage.get("parameters"));
        assertThat(executionContent.get("response_content").asString()).isEqualTo("revenue fell by 12 percent");
        assertThat(executionContent.get("error_message").asString()).isEqualTo("rate limit exceeded for org-secret");
        assertThat(executionContent.get("messages")).isEqualTo(execution.get("messages"));
    }

    private static SpecificRecord only(
            java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<String, SpecificRecord>> records,
            String topic) {
        var values = records.stream()
                .filter(r -> r.topic().equals(topic))
                .map(r -> r.value())
                .toList();
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    /** The record as the broker holds it (Avro single-object encoding), as Latin-1 so any byte sequence is searchable. */
    private static String wire(String topic, SpecificRecord record) {
        try (var serializer = new AvroSerializer<SpecificRecord>()) {
            return new String(serializer.serialize(topic, record), StandardCharsets.ISO_8859_1);
        }
    }

    private static Path temporaryKeyDirectory() {
        try {
            return Files.createTempDirectory("pe-keys-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
