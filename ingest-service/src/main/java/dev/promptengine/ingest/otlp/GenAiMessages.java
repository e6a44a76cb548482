package dev.promptengine.ingest.otlp;

import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The prompt and the response of a model-call span, as {@code {role, content}} messages and
 * response text, from wherever the instrumentation put them: the current conventions' {@code
 * gen_ai.input.messages} / {@code gen_ai.output.messages} / {@code gen_ai.system_instructions}
 * attributes, the indexed {@code gen_ai.prompt.N.*} / {@code gen_ai.completion.N.*} attributes
 * (OpenLLMetry), or the older {@code gen_ai.content.prompt} / {@code gen_ai.content.completion}
 * and per-message span events. Only capture-enabled instrumentations send content; without it the
 * execution has metadata only.
 */
final class GenAiMessages {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, String> MESSAGE_EVENTS = Map.of(
            "gen_ai.system.message", "system",
            "gen_ai.user.message", "user",
            "gen_ai.assistant.message", "assistant",
            "gen_ai.tool.message", "tool");

    static String systemInstructions(GenAiSpans.Attributes attributes) {
        JsonNode instructions = attributes.json("gen_ai.system_instructions");
        if (instructions == null) {
            return null;
        }
        return instructions.isArray() ? partsText(instructions) : text(instructions);
    }

    static ArrayNode input(Span span, GenAiSpans.Attributes attributes, String systemInstructions) {
        ArrayNode messages = NODES.arrayNode();
        if (systemInstructions != null) {
            messages.add(message("system", systemInstructions));
        }
        JsonNode input = attributes.json("gen_ai.input.messages");
        if (input != null && input.isArray()) {
            input.forEach(message -> messages.add(message(message)));
            return messages;
        }
        if (indexed(attributes, "gen_ai.prompt", messages)) {
            return messages;
        }
        for (Span.Event event : span.getEventsList()) {
            var eventAttributes = GenAiSpans.Attributes.of(event.getAttributesList());
            if (event.getName().equals("gen_ai.content.prompt")) {
                JsonNode prompt = eventAttributes.json("gen_ai.prompt");
                if (prompt != null && prompt.isArray()) {
                    prompt.forEach(message -> messages.add(message(message)));
                } else if (prompt != null) {
                    messages.add(message("user", text(prompt)));
                }
            } else if (MESSAGE_EVENTS.containsKey(event.getName())) {
                JsonNode content = eventAttributes.json("content");
                messages.add(message(MESSAGE_EVENTS.get(event.getName()), content == null ? null : content(content)));
            }
        }
        return messages;
    }

    static String output(Span span, GenAiSpans.Attributes attributes) {
        JsonNode output = attributes.json("gen_ai.output.messages");
        if (output != null && output.isArray()) {
            return contents(output);
        }
        ArrayNode completions = NODES.arrayNode();
        if (indexed(attributes, "gen_ai.completion", completions)) {
            return contents(completions);
        }
        for (Span.Event event : span.getEventsList()) {
            var eventAttributes = GenAiSpans.Attributes.of(event.getAttributesList());
            if (event.getName().equals("gen_ai.content.completion")) {
                JsonNode completion = eventAttributes.json("gen_ai.completion");
                if (completion != null && completion.isArray()) {
                    var texts = new ArrayList<String>();
                    completion.forEach(
                            message -> texts.add(message(message).get("content").asString(null)));
                    return joined(texts);
                }
                return completion == null ? null : text(completion);
            }
            if (event.getName().equals("gen_ai.choice")) {
                JsonNode message = eventAttributes.json("message");
                if (message != null) {
                    return message(message).get("content").asString(null);
                }
            }
        }
        return null;
    }

    /** The text of every message of {@code messages}, one per line. */
    private static String contents(JsonNode messages) {
        var texts = new ArrayList<String>();
        messages.forEach(message -> texts.add(message(message).path("content").asString(null)));
        return joined(texts);
    }

    /** {@code exception.type: exception.message} of the span's exception event, if any. */
    static String exceptionMessage(Span span) {
        for (Span.Event event : span.getEventsList()) {
            if (event.getName().equals("exception")) {
                var attributes = GenAiSpans.Attributes.of(event.getAttributesList());
                String type = attributes.string("exception.type");
                String message = attributes.string("exception.message");
                if (type != null && message != null) {
                    return type + ": " + message;
                }
                return type != null ? type : message;
            }
        }
        return null;
    }

    /** {@code prefix.0.role}, {@code prefix.0.content}, {@code prefix.1.role}, ... until an index is missing. */
    private static boolean indexed(GenAiSpans.Attributes attributes, String prefix, ArrayNode messages) {
        int before = messages.size();
        for (int i = 0;
                attributes.has(prefix + "." + i + ".content") || attributes.has(prefix + "." + i + ".role");
                i++) {
            String role = attributes.string(prefix + "." + i + ".role");
            messages.add(message(role != null ? role : "assistant", attributes.string(prefix + "." + i + ".content")));
        }
        return messages.size() > before;
    }

    /** A message of any of the conventions' shapes: {@code {role, parts: [...]}} or {@code {role, content}}. */
    private static ObjectNode message(JsonNode message) {
        if (!message.isObject()) {
            return message("user", text(message));
        }
        String role = message.path("role").asString("user");
        if (message.has("parts")) {
            return message(role, partsText(message.get("parts")));
        }
        JsonNode content = message.get("content");
        return message(role, content == null || content.isNull() ? null : content(content));
    }

    private static ObjectNode message(String role, String content) {
        ObjectNode message = NODES.objectNode();
        message.put("role", role);
        if (content != null) {
            message.put("content", content);
        }
        return message;
    }

    /** Text parts as they are; tool calls and other parts as compact JSON, so nothing is lost. */
    private static String partsText(JsonNode parts) {
        if (!parts.isArray()) {
            return text(parts);
        }
        var texts = new ArrayList<String>();
        for (JsonNode part : parts) {
            String type = part.path("type").asString("");
            if ((type.equals("text") || type.equals("reasoning")) && part.has("content")) {
                texts.add(text(part.get("content")));
            } else {
                texts.add(part.toString());
            }
        }
        return joined(texts);
    }

    /** Content as a string, or OpenAI-style content parts ({@code [{type: text, text}]}). */
    private static String content(JsonNode content) {
        if (content.isArray()) {
            var texts = new ArrayList<String>();
            for (JsonNode part : content) {
                texts.add(part.has("text") ? text(part.get("text")) : text(part));
            }
            return joined(texts);
        }
        return text(content);
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.stringValue() : node.toString();
    }

    private static String joined(List<String> texts) {
        var present = texts.stream().filter(text -> text != null).toList();
        return present.isEmpty() ? null : String.join("\n", present);
    }

    private GenAiMessages() {}
}
