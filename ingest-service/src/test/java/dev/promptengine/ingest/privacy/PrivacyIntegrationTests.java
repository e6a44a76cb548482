package dev.promptengine.ingest.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.ingest.support.Events;
import dev.promptengine.ingest.support.IngestServiceTestBase;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * What reaches Kafka for each capture mode, with every built-in detector and a custom rule fed
 * through the real HTTP path. (The base class configures acme/development FULL, environment
 * {@code secure} METADATA_ONLY, the rest REDACTED, and the custom rule {@code employee_id}.)
 */
class PrivacyIntegrationTests extends IngestServiceTestBase {

    private static final Map<String, String> SECRETS = Map.ofEntries(
            Map.entry("email", "ada.lovelace@example.com"),
            Map.entry("phone", "+44 20 7946 0958"),
            Map.entry("payment_card", "4111 1111 1111 1111"),
            Map.entry("iban", "DE89 3704 0044 0532 0130 00"),
            Map.entry("api_key", "sk-proj-abcdefghijklmnopqrstuvwxyz012345"),
            Map.entry("bearer_token", "Bearer abc123def456ghi789jkl"),
            Map.entry(
                    "jwt",
                    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
            Map.entry("secret_assignment", "password=hunter2hunter2"),
            Map.entry("private_key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----"),
            Map.entry("employee_id", "EMP-123456"));

    @Test
    void redactedModeReplacesEveryDetectedValueInEveryContentFieldAndCountsTheRules() {
        // Given
        UUID usageId = UUID.randomUUID();
        var usage = Events.usage(usageId).put("rendered_content", allSecrets());
        usage.put("rendered_system_message", "Escalate to " + SECRETS.get("email"));
        ((ObjectNode) usage.get("parameters"))
                .put("contact", SECRETS.get("phone"))
                .put("password", "p4ss");
        var execution = Events.execution(usageId).put("response_content", "Card " + SECRETS.get("payment_card"));
        ((ObjectNode) execution.get("messages").get(1)).put("content", "IBAN " + SECRETS.get("iban"));
        var before = topics.snapshot();

        // When
        var response = api.postJson(
                "/v1/events", PUBLISHER_KEY, Events.batch(usage, execution).toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        var records = topics.awaitRecordsSince(before, found -> found.size() == 2);
        var published = usage(records);
        assertThat(published.getCaptureMode()).isEqualTo(CaptureMode.REDACTED);
        String everything = published.toString() + execution(records);
        SECRETS.values().forEach(secret -> assertThat(everything).doesNotContain(secret));
        assertThat(everything).doesNotContain("p4ss");
        for (String rule : SECRETS.keySet()) {
            assertThat(published.getRenderedContent()).contains("[REDACTED:" + rule + "]");
        }
        assertThat(published.getRedactions())
                .containsEntry("email", 2)
                .containsEntry("phone", 3) // twice in the content, once in the parameters
                .containsEntry("dropped_key", 1)
                .containsEntry("employee_id", 1);
        assertThat(published.getRedactions().keySet()).containsAll(SECRETS.keySet());
        var publishedExecution = execution(records);
        assertThat(publishedExecution.getResponseContent()).isEqualTo("Card [REDACTED:payment_card]");
        assertThat(publishedExecution.getMessages().get(1).getContent()).isEqualTo("IBAN [REDACTED:iban]");
        assertThat(publishedExecution.getRedactions()).isEqualTo(Map.of("payment_card", 1, "iban", 1));
    }

    @Test
    void fullModeKeepsContentVerbatimButDropsSensitiveParameterKeys() {
        // Given
        var usage = Events.usage()
                .put("environment", "development")
                .put("rendered_content", "Mail " + SECRETS.get("email"));
        ((ObjectNode) usage.get("parameters")).put("api_key", "k-123");
        var before = topics.snapshot();

        // When
        var response = api.postJson("/v1/usages", PUBLISHER_KEY, usage.toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        var published = usage(topics.awaitRecordsSince(before, found -> found.size() == 1));
        assertThat(published.getCaptureMode()).isEqualTo(CaptureMode.FULL);
        assertThat(published.getRenderedContent()).isEqualTo("Mail " + SECRETS.get("email"));
        assertThat(published.getParameters()).isEqualTo("{\"customer_name\":\"Ada\",\"issue\":\"refund\"}");
        assertThat(published.getRedactions()).isEqualTo(Map.of("dropped_key", 1));
    }

    @Test
    void metadataOnlyModeSendsNoContentAtAll() {
        // Given
        UUID usageId = UUID.randomUUID();
        var usage = Events.usage(usageId).put("environment", "secure");
        var execution = Events.execution(usageId)
                .put("environment", "secure")
                .put("status", "error")
                .put("error_message", "rate limit for " + SECRETS.get("email"));
        var before = topics.snapshot();

        // When
        var response = api.postJson(
                "/v1/events",
                OTHER_TENANT_PUBLISHER_KEY,
                Events.batch(usage, execution).toString());

        // Then
        assertThat(response.status()).isEqualTo(202);
        var records = topics.awaitRecordsSince(before, found -> found.size() == 2);
        var publishedUsage = usage(records);
        assertThat(publishedUsage.getCaptureMode()).isEqualTo(CaptureMode.METADATA_ONLY);
        assertThat(publishedUsage.getRenderedContent()).isNull();
        assertThat(publishedUsage.getRenderedSystemMessage()).isNull();
        assertThat(publishedUsage.getParameters()).isNull();
        assertThat(publishedUsage.getMetadata()).isEqualTo("{\"app\":\"helpdesk\"}");
        var publishedExecution = execution(records);
        assertThat(publishedExecution.getCaptureMode()).isEqualTo(CaptureMode.METADATA_ONLY);
        assertThat(publishedExecution.getResponseContent()).isNull();
        assertThat(publishedExecution.getMessages()).hasSize(2).allSatisfy(message -> {
            assertThat(message.getRole()).isNotBlank();
            assertThat(message.getContent()).isNull();
        });
        assertThat(publishedExecution.getErrorMessage()).isEqualTo("rate limit for [REDACTED:email]");
        assertThat(publishedExecution.getInputTokens()).isEqualTo(42);
    }

    private static String allSecrets() {
        var text = new StringBuilder("Summary:");
        SECRETS.values().forEach(secret -> text.append(" ; ").append(secret));
        return text.append(" ; call again ").append(SECRETS.get("phone")).toString();
    }

    private static PromptUsage usage(
            java.util.List<? extends org.apache.kafka.clients.consumer.ConsumerRecord<String, ?>> records) {
        return records.stream()
                .map(r -> r.value())
                .filter(PromptUsage.class::isInstance)
                .map(PromptUsage.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static LlmExecution execution(
            java.util.List<? extends org.apache.kafka.clients.consumer.ConsumerRecord<String, ?>> records) {
        return records.stream()
                .map(r -> r.value())
                .filter(LlmExecution.class::isInstance)
                .map(LlmExecution.class::cast)
                .findFirst()
                .orElseThrow();
    }
}
