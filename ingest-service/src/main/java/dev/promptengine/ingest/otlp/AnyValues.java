package dev.promptengine.ingest.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** OTLP attribute values as JSON. */
final class AnyValues {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * The value as JSON. With {@code parseStrings}, a string that holds a JSON array or object is
     * parsed: instrumentations record structured GenAI attributes both ways.
     */
    static JsonNode toJson(AnyValue value, boolean parseStrings) {
        return switch (value.getValueCase()) {
            case STRING_VALUE ->
                parseStrings ? parsedOrText(value.getStringValue()) : NODES.stringNode(value.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
            case INT_VALUE -> NODES.numberNode(value.getIntValue());
            case DOUBLE_VALUE -> NODES.numberNode(value.getDoubleValue());
            case BYTES_VALUE ->
                NODES.stringNode(
                        Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode array = NODES.arrayNode();
                value.getArrayValue().getValuesList().forEach(element -> array.add(toJson(element, false)));
                yield array;
            }
            case KVLIST_VALUE -> {
                ObjectNode object = NODES.objectNode();
                value.getKvlistValue()
                        .getValuesList()
                        .forEach(entry -> object.set(entry.getKey(), toJson(entry.getValue(), false)));
                yield object;
            }
            default -> NODES.nullNode(); // not set, or a value kind newer than these protos
        };
    }

    private static JsonNode parsedOrText(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            try {
                return JSON.readTree(trimmed);
            } catch (JacksonException e) {
                // not JSON after all: keep the text
            }
        }
        return NODES.stringNode(text);
    }

    private AnyValues() {}
}
