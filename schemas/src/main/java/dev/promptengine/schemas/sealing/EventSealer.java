package dev.promptengine.schemas.sealing;

import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.JsonStrings;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves an event's content fields into its {@code sealed} field, encrypted by a {@link
 * ContentSealer}: the one definition of what is sealed and of the plaintext (the JSON object of
 * docs/privacy.md, "Sealed content"), used by ingest-service and by the JVM client's direct-Kafka
 * path alike. Ids, tenant, prompt identity, tokens, latency, status and cost stay in clear.
 *
 * <p>The plaintext is a flat JSON object of strings plus {@code messages}, an array of
 * {@code {role, content}}; {@code schemas} has no JSON library and the client must stay light, so
 * it is written here (strings through {@link JsonStrings}) rather than adding one.
 */
public final class EventSealer {

    private final ContentSealer sealer;
    private final boolean sealMetadata;

    /** {@code sealMetadata}: seal {@code metadata} / {@code response_metadata} too. */
    public EventSealer(ContentSealer sealer, boolean sealMetadata) {
        this.sealer = sealer;
        this.sealMetadata = sealMetadata;
    }

    /** The usage with parameters, rendered content and system message (and metadata) sealed; unchanged if it has none. */
    public PromptUsage seal(PromptUsage usage) {
        var content = new LinkedHashMap<String, Object>();
        putIfPresent(content, "parameters", usage.getParameters());
        putIfPresent(content, "rendered_content", usage.getRenderedContent());
        putIfPresent(content, "rendered_system_message", usage.getRenderedSystemMessage());
        if (sealMetadata) {
            putIfPresent(content, "metadata", usage.getMetadata());
        }
        if (content.isEmpty()) {
            return usage; // metadata-only capture: nothing to hide
        }
        if (sealMetadata) {
            usage.setMetadata(null);
        }
        usage.setParameters(null);
        usage.setRenderedContent(null);
        usage.setRenderedSystemMessage(null);
        usage.setSealed(sealer.seal(usage.getTenant(), usage.getId(), json(content)));
        return usage;
    }

    /** The execution with messages, response and error message (and response metadata) sealed; unchanged if it has none. */
    public LlmExecution seal(LlmExecution execution) {
        var content = new LinkedHashMap<String, Object>();
        if (!execution.getMessages().isEmpty()) {
            content.put("messages", execution.getMessages());
        }
        putIfPresent(content, "response_content", execution.getResponseContent());
        putIfPresent(content, "error_message", execution.getErrorMessage());
        if (sealMetadata) {
            putIfPresent(content, "response_metadata", execution.getResponseMetadata());
        }
        if (content.isEmpty()) {
            return execution;
        }
        if (sealMetadata) {
            execution.setResponseMetadata(null);
        }
        execution.setMessages(List.of());
        execution.setResponseContent(null);
        execution.setErrorMessage(null);
        execution.setSealed(sealer.seal(execution.getTenant(), execution.getId(), json(content)));
        return execution;
    }

    private static void putIfPresent(Map<String, Object> content, String field, String value) {
        if (value != null) {
            content.put(field, value);
        }
    }

    @SuppressWarnings("unchecked")
    static byte[] json(Map<String, Object> content) {
        var text = new StringBuilder(256);
        text.append('{');
        boolean first = true;
        for (var entry : content.entrySet()) {
            if (!first) {
                text.append(',');
            }
            first = false;
            string(text, entry.getKey());
            text.append(':');
            if (entry.getValue() instanceof List<?> messages) {
                text.append('[');
                for (int i = 0; i < messages.size(); i++) {
                    Message message = ((List<Message>) messages).get(i);
                    text.append(i == 0 ? "" : ",").append("{\"role\":");
                    string(text, message.getRole());
                    text.append(",\"content\":");
                    string(text, message.getContent());
                    text.append('}');
                }
                text.append(']');
            } else {
                string(text, (String) entry.getValue());
            }
        }
        return text.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string, or null. */
    private static void string(StringBuilder text, String value) {
        if (value == null) {
            text.append("null");
        } else {
            JsonStrings.append(text, value);
        }
    }
}
