package dev.promptengine.ingest.privacy;

import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.sealing.ContentSealer;
import dev.promptengine.schemas.sealing.LocalKeyDirectory;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Moves an event's content fields into its {@code sealed} field, encrypted under the tenant's data
 * key, when {@code promptengine.privacy.encryption.enabled}. The plaintext is the JSON object of
 * docs/privacy.md ("Sealed content"); ids, tenant, prompt identity, tokens, latency, status and
 * cost stay in clear, so cost-service prices and analytics aggregates without any key.
 */
@Component
public class Sealing {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EncryptionProperties properties;
    private final ContentSealer sealer;

    Sealing(EncryptionProperties properties, Clock clock) {
        this.properties = properties;
        this.sealer = properties.enabled()
                ? new ContentSealer(new LocalKeyDirectory(properties.keyDirectory()), properties.rotation(), clock)
                : null;
    }

    public PromptUsage seal(PromptUsage usage) {
        if (sealer == null) {
            return usage;
        }
        var content = new LinkedHashMap<String, Object>();
        putIfPresent(content, "parameters", usage.getParameters());
        putIfPresent(content, "rendered_content", usage.getRenderedContent());
        putIfPresent(content, "rendered_system_message", usage.getRenderedSystemMessage());
        if (properties.sealMetadata()) {
            putIfPresent(content, "metadata", usage.getMetadata());
            usage.setMetadata(null);
        }
        if (content.isEmpty()) {
            return usage; // metadata-only capture: nothing to hide
        }
        usage.setParameters(null);
        usage.setRenderedContent(null);
        usage.setRenderedSystemMessage(null);
        usage.setSealed(sealer.seal(usage.getTenant(), usage.getId(), JSON.writeValueAsBytes(content)));
        return usage;
    }

    public LlmExecution seal(LlmExecution execution) {
        if (sealer == null) {
            return execution;
        }
        var content = new LinkedHashMap<String, Object>();
        if (!execution.getMessages().isEmpty()) {
            content.put("messages", messages(execution.getMessages()));
        }
        putIfPresent(content, "response_content", execution.getResponseContent());
        putIfPresent(content, "error_message", execution.getErrorMessage());
        if (properties.sealMetadata()) {
            putIfPresent(content, "response_metadata", execution.getResponseMetadata());
            execution.setResponseMetadata(null);
        }
        if (content.isEmpty()) {
            return execution;
        }
        execution.setMessages(List.of());
        execution.setResponseContent(null);
        execution.setErrorMessage(null);
        execution.setSealed(sealer.seal(execution.getTenant(), execution.getId(), JSON.writeValueAsBytes(content)));
        return execution;
    }

    private static List<Map<String, String>> messages(List<Message> messages) {
        return messages.stream()
                .map(m -> {
                    var map = new LinkedHashMap<String, String>(4);
                    map.put("role", m.getRole());
                    map.put("content", m.getContent());
                    return (Map<String, String>) map;
                })
                .toList();
    }

    private static void putIfPresent(Map<String, Object> content, String field, String value) {
        if (value != null) {
            content.put(field, value);
        }
    }
}
