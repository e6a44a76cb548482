package dev.promptengine.ingest.privacy;

import dev.promptengine.schemas.privacy.RedactionCounts;
import dev.promptengine.schemas.privacy.TextRedactor;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The privacy rules as they apply to one event: its capture mode and the running count of rules
 * that fired. Content goes through {@link #content}, free text that describes the call (error
 * messages, metadata) through {@link #annotation}, JSON objects through {@link #object}.
 */
public final class Redaction {

    static final String DROPPED_KEY = TextRedactor.DROPPED_KEY;

    private final CaptureMode mode;
    private final Redactor redactor;
    private final RedactionCounts counts = new RedactionCounts();

    Redaction(CaptureMode mode, Redactor redactor) {
        this.mode = mode;
        this.redactor = redactor;
    }

    public CaptureMode mode() {
        return mode;
    }

    /** Prompt or response content: verbatim, redacted, or gone in {@code METADATA_ONLY}. */
    public String content(String text) {
        if (text == null || mode == CaptureMode.METADATA_ONLY) {
            return null;
        }
        return mode == CaptureMode.FULL ? text : redactor.redact(text, counts);
    }

    /** Text about the call that analytics needs even without content (error messages): kept, redacted unless FULL. */
    public String annotation(String text) {
        if (text == null || mode == CaptureMode.FULL) {
            return text;
        }
        return redactor.redact(text, counts);
    }

    /**
     * Template parameters: content, so dropped in METADATA_ONLY; always without the dropped keys.
     * The same instance when nothing was dropped or redacted.
     */
    public ObjectNode parameters(ObjectNode parameters) {
        if (parameters == null || mode == CaptureMode.METADATA_ONLY) {
            return null;
        }
        return (ObjectNode) clean(parameters, mode != CaptureMode.FULL);
    }

    /**
     * Metadata objects: kept in every mode, without the dropped keys, string values redacted unless
     * FULL. The same instance when nothing was dropped or redacted.
     */
    public ObjectNode metadata(ObjectNode metadata) {
        if (metadata == null) {
            return null;
        }
        return (ObjectNode) clean(metadata, mode != CaptureMode.FULL);
    }

    public Map<String, Integer> counts() {
        return counts.asMap();
    }

    /** The node with dropped keys removed and strings redacted; the same instance when nothing changed. */
    private JsonNode clean(JsonNode node, boolean redactValues) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = null;
            int kept = 0;
            for (var field : object.properties()) {
                if (redactor.isDropped(field.getKey())) {
                    counts.add(DROPPED_KEY, 1);
                    if (copy == null) {
                        copy = firstProperties(object, kept);
                    }
                    continue;
                }
                JsonNode value = field.getValue();
                JsonNode cleaned = clean(value, redactValues);
                if (copy == null && cleaned != value) {
                    copy = firstProperties(object, kept);
                }
                if (copy != null) {
                    copy.set(field.getKey(), cleaned);
                }
                kept++;
            }
            return copy == null ? object : copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = null;
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                JsonNode cleaned = clean(element, redactValues);
                if (copy == null && cleaned != element) {
                    copy = JsonNodeFactory.instance.arrayNode(array.size());
                    for (int j = 0; j < i; j++) {
                        copy.add(array.get(j));
                    }
                }
                if (copy != null) {
                    copy.add(cleaned);
                }
            }
            return copy == null ? array : copy;
        }
        if (node.isString() && redactValues) {
            String value = node.stringValue();
            String redacted = redactor.redact(value, counts);
            return redacted == value ? node : JsonNodeFactory.instance.stringNode(redacted);
        }
        return node;
    }

    /** A new object with the first {@code count} properties of {@code object} (all kept unchanged so far). */
    private static ObjectNode firstProperties(ObjectNode object, int count) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        int copied = 0;
        for (var field : object.properties()) {
            if (copied++ == count) {
                break;
            }
            copy.set(field.getKey(), field.getValue());
        }
        return copy;
    }
}
