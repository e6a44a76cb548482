package dev.promptengine.ingest.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the LLM-call spans of an OTLP request into the body of a {@code POST /v1/events} batch,
 * so that they pass exactly the validation, redaction and publishing of the JSON endpoints. The
 * mapping follows the OpenTelemetry GenAI semantic conventions (and the older attribute names
 * still in use); docs/otlp.md has it as a table. Ids are derived from the trace and span id, so a
 * re-exported span is the same event and is counted once.
 */
public final class GenAiSpans {

    /** Operations that are one call of a model; agent and tool spans wrap such calls and would count them twice. */
    static final Set<String> MODEL_CALLS = Set.of("chat", "text_completion", "generate_content", "embeddings");

    static final String SLUG = "promptengine.prompt.slug";
    static final String VERSION = "promptengine.prompt.version";
    static final String ENVIRONMENT = "promptengine.environment";
    static final String USAGE_ID = "promptengine.usage_id";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Which attribute (or span field) an event field came from, to name it when the field is refused. */
    private static final Map<String, String> SOURCES = Map.ofEntries(
            Map.entry("occurred_at", "startTimeUnixNano"),
            Map.entry("execution_time_ms", "endTimeUnixNano"),
            Map.entry("prompt_slug", SLUG),
            Map.entry("prompt_version", VERSION),
            Map.entry("environment", ENVIRONMENT),
            Map.entry("usage_id", USAGE_ID),
            Map.entry("session_id", "session.id"),
            Map.entry("user_identifier", "user.id"),
            Map.entry("provider", "gen_ai.provider.name"),
            Map.entry("model", "gen_ai.request.model"),
            Map.entry("temperature", "gen_ai.request.temperature"),
            Map.entry("max_tokens", "gen_ai.request.max_tokens"),
            Map.entry("messages", "gen_ai.input.messages"),
            Map.entry("rendered_system_message", "gen_ai.system_instructions"),
            Map.entry("response_content", "gen_ai.output.messages"),
            Map.entry("input_tokens", "gen_ai.usage.input_tokens"),
            Map.entry("output_tokens", "gen_ai.usage.output_tokens"),
            Map.entry("cached_input_tokens", "gen_ai.usage.cache_read.input_tokens"),
            Map.entry("cache_write_tokens", "gen_ai.usage.cache_creation.input_tokens"),
            Map.entry("reasoning_tokens", "gen_ai.usage.reasoning.output_tokens"),
            Map.entry("error_message", "status.message"));

    /**
     * The batch and where each of its events came from: {@code usageSpans.get(i)} is the path of the
     * span ({@code resourceSpans[r].scopeSpans[s].spans[k]}) that made {@code usages[i]}, likewise
     * for executions.
     */
    public record Translation(
            ObjectNode batch,
            List<String> usageSpans,
            List<String> executionSpans,
            int modelCallSpans,
            int ignoredSpans) {

        public int spans() {
            return modelCallSpans + ignoredSpans;
        }
    }

    /** The attribute or span field an event field of a translated span came from. */
    public static String source(String eventField) {
        return SOURCES.getOrDefault(eventField, eventField);
    }

    public static Translation translate(ExportTraceServiceRequest request) {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode usages = batch.putArray("usages");
        ArrayNode executions = batch.putArray("executions");
        var usageSpans = new ArrayList<String>();
        var executionSpans = new ArrayList<String>();
        int calls = 0;
        int ignored = 0;
        for (int r = 0; r < request.getResourceSpansCount(); r++) {
            ResourceSpans resourceSpans = request.getResourceSpans(r);
            Attributes resource = Attributes.of(resourceSpans.getResource());
            for (int s = 0; s < resourceSpans.getScopeSpansCount(); s++) {
                ScopeSpans scopeSpans = resourceSpans.getScopeSpans(s);
                for (int k = 0; k < scopeSpans.getSpansCount(); k++) {
                    Span span = scopeSpans.getSpans(k);
                    Attributes attributes = Attributes.of(span.getAttributesList());
                    if (!isModelCall(attributes)) {
                        ignored++;
                        continue;
                    }
                    calls++;
                    String path = "resourceSpans[" + r + "].scopeSpans[" + s + "].spans[" + k + "]";
                    var call = new ModelCall(span, attributes, resource, GenAiMessages.systemInstructions(attributes));
                    String usageId = attributes.string(USAGE_ID);
                    if (usageId == null) {
                        usageId = call.id("usage").toString();
                        usages.add(call.usage(usageId));
                        usageSpans.add(path);
                    }
                    executions.add(call.execution(usageId));
                    executionSpans.add(path);
                }
            }
        }
        if (usages.isEmpty()) {
            batch.remove("usages");
        }
        return new Translation(batch, usageSpans, executionSpans, calls, ignored);
    }

    /**
     * A span of the GenAI conventions that is one model call: a model-call operation, or (older
     * instrumentations without {@code gen_ai.operation.name}) a provider and a model.
     */
    static boolean isModelCall(Attributes attributes) {
        String operation = attributes.string("gen_ai.operation.name");
        if (operation != null) {
            return MODEL_CALLS.contains(operation.toLowerCase(Locale.ROOT));
        }
        return (attributes.has("gen_ai.provider.name") || attributes.has("gen_ai.system"))
                && (attributes.has("gen_ai.request.model") || attributes.has("gen_ai.response.model"));
    }

    /** One model-call span and its resource, read field by field; the system instructions read once for both events. */
    private record ModelCall(Span span, Attributes attributes, Attributes resource, String systemInstructions) {

        UUID id(String kind) {
            String key = "otlp:" + kind + ":" + hex(span.getTraceId().toByteArray()) + ":"
                    + hex(span.getSpanId().toByteArray());
            return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
        }

        ObjectNode usage(String usageId) {
            ObjectNode usage = JSON.createObjectNode();
            usage.put("id", usageId);
            usage.put("occurred_at", occurredAt());
            context(usage);
            putIfPresent(usage, "rendered_system_message", systemInstructions);
            ObjectNode metadata = usage.putObject("metadata");
            trace(metadata);
            putIfPresent(metadata, "service_name", resource.string("service.name"));
            return usage;
        }

        ObjectNode execution(String usageId) {
            ObjectNode execution = JSON.createObjectNode();
            execution.put("id", id("execution").toString());
            execution.put("usage_id", usageId);
            execution.put("occurred_at", occurredAt());
            context(execution);
            putIfPresent(execution, "provider", provider());
            putIfPresent(execution, "model", model());
            JsonNode temperature = attributes.number("gen_ai.request.temperature");
            if (temperature != null) {
                execution.set("temperature", temperature);
            }
            JsonNode maxTokens = attributes.number("gen_ai.request.max_tokens");
            if (maxTokens != null) {
                execution.set("max_tokens", maxTokens);
            }
            ArrayNode messages = GenAiMessages.input(span, attributes, systemInstructions);
            if (!messages.isEmpty()) {
                execution.set("messages", messages);
            }
            putIfPresent(execution, "response_content", GenAiMessages.output(span, attributes));
            tokens(execution, "input_tokens", "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");
            tokens(execution, "output_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens");
            tokens(
                    execution,
                    "cached_input_tokens",
                    "gen_ai.usage.cache_read.input_tokens",
                    "gen_ai.usage.cache_read_input_tokens");
            tokens(
                    execution,
                    "cache_write_tokens",
                    "gen_ai.usage.cache_creation.input_tokens",
                    "gen_ai.usage.cache_creation_input_tokens");
            tokens(
                    execution,
                    "reasoning_tokens",
                    "gen_ai.usage.reasoning.output_tokens",
                    "gen_ai.usage.reasoning_tokens");
            long nanos = span.getEndTimeUnixNano() - span.getStartTimeUnixNano();
            // a negative duration is refused by validation, named as endTimeUnixNano
            execution.put("execution_time_ms", nanos >= 0 ? nanos / 1_000_000 : -1);
            status(execution);
            ObjectNode metadata = execution.putObject("response_metadata");
            trace(metadata);
            putIfPresent(metadata, "operation", attributes.string("gen_ai.operation.name"));
            putIfPresent(metadata, "response_model", attributes.string("gen_ai.response.model"));
            putIfPresent(metadata, "response_id", attributes.string("gen_ai.response.id"));
            JsonNode finishReasons = attributes.json("gen_ai.response.finish_reasons");
            if (finishReasons != null) {
                metadata.set("finish_reasons", finishReasons);
            }
            return execution;
        }

        private String occurredAt() {
            long nanos = span.getStartTimeUnixNano();
            return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L)
                    .toString();
        }

        /** Prompt, environment, session and user: the span's attributes first, then the resource's. */
        private void context(ObjectNode event) {
            String slug = first(SLUG);
            event.put("prompt_slug", slug != null ? slug : serviceName());
            JsonNode version = attributes.number(VERSION);
            if (version == null) {
                version = resource.number(VERSION);
            }
            if (version != null) {
                event.set("prompt_version", version);
            } else if (first(VERSION) != null) {
                event.put("prompt_version", first(VERSION)); // not a number: refused by validation, by name
            } else {
                event.put("prompt_version", 1);
            }
            String environment = first(ENVIRONMENT);
            if (environment == null) {
                environment = first("deployment.environment.name");
            }
            if (environment == null) {
                environment = first("deployment.environment");
            }
            putIfPresent(event, "environment", environment);
            String session = first("session.id");
            putIfPresent(event, "session_id", session != null ? session : first("gen_ai.conversation.id"));
            String user = first("user.id");
            putIfPresent(event, "user_identifier", user != null ? user : first("enduser.id"));
        }

        private String serviceName() {
            String service = resource.string("service.name");
            return service != null && !service.isBlank() ? service : "otlp";
        }

        private String first(String key) {
            String value = attributes.string(key);
            return value != null ? value : resource.string(key);
        }

        private String provider() {
            String provider = attributes.string("gen_ai.provider.name");
            if (provider == null) {
                provider = attributes.string("gen_ai.system");
            }
            return provider == null ? null : Providers.ourName(provider);
        }

        private String model() {
            String model = attributes.string("gen_ai.request.model");
            return model != null ? model : attributes.string("gen_ai.response.model");
        }

        private void tokens(ObjectNode execution, String field, String attribute, String olderAttribute) {
            JsonNode value = attributes.number(attribute);
            if (value == null) {
                value = attributes.number(olderAttribute);
            }
            if (value != null) {
                execution.set(field, value);
            }
        }

        /** ERROR spans are errors (timeouts when the error says so); the message keeps the HTTP status for the error category. */
        private void status(ObjectNode execution) {
            Status status = span.getStatus();
            if (status.getCode() != Status.StatusCode.STATUS_CODE_ERROR) {
                execution.put("status", "success");
                return;
            }
            String type = attributes.string("error.type");
            String message = status.getMessage().isBlank() ? GenAiMessages.exceptionMessage(span) : status.getMessage();
            Long httpStatus = attributes.integer("http.response.status_code");
            var text = new StringBuilder();
            if (type != null) {
                text.append(type);
            }
            if (message != null && !message.isBlank()) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
            if (httpStatus != null && text.indexOf(Long.toString(httpStatus)) < 0) {
                text.append(text.isEmpty() ? "" : " ")
                        .append("(HTTP ")
                        .append(httpStatus)
                        .append(')');
            }
            String error = text.isEmpty() ? "span status ERROR" : text.toString();
            String lowerCase = error.toLowerCase(Locale.ROOT);
            boolean timeout = lowerCase.contains("timeout") || lowerCase.contains("timed out");
            execution.put("status", timeout ? "timeout" : "error");
            execution.put("error_message", error);
        }

        private void trace(ObjectNode metadata) {
            metadata.put("trace_id", hex(span.getTraceId().toByteArray()));
            metadata.put("span_id", hex(span.getSpanId().toByteArray()));
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A span's or resource's attributes by key (the last one wins when a key repeats). */
    record Attributes(Map<String, AnyValue> values) {

        static Attributes of(Resource resource) {
            return of(resource.getAttributesList());
        }

        static Attributes of(List<KeyValue> keyValues) {
            var values = new HashMap<String, AnyValue>(keyValues.size() * 2);
            keyValues.forEach(keyValue -> values.put(keyValue.getKey(), keyValue.getValue()));
            return new Attributes(values);
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String string(String key) {
            AnyValue value = values.get(key);
            if (value == null) {
                return null;
            }
            return switch (value.getValueCase()) {
                case STRING_VALUE -> value.getStringValue();
                case INT_VALUE -> Long.toString(value.getIntValue());
                case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
                case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
                default -> null;
            };
        }

        Long integer(String key) {
            AnyValue value = values.get(key);
            return value != null && value.hasIntValue() ? value.getIntValue() : null;
        }

        /**
         * A numeric attribute as JSON for the validation to judge: ints and doubles as numbers, a
         * string as the string (refused by name if it is not a number), absent as null.
         */
        JsonNode number(String key) {
            AnyValue value = values.get(key);
            if (value == null) {
                return null;
            }
            return switch (value.getValueCase()) {
                case INT_VALUE -> JSON.getNodeFactory().numberNode(value.getIntValue());
                case DOUBLE_VALUE -> JSON.getNodeFactory().numberNode(value.getDoubleValue());
                case STRING_VALUE -> numberOrText(value.getStringValue());
                default -> JSON.getNodeFactory().stringNode(value.toString());
            };
        }

        private static JsonNode numberOrText(String text) {
            try {
                return JSON.getNodeFactory().numberNode(Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                try {
                    return JSON.getNodeFactory().numberNode(Double.parseDouble(text.trim()));
                } catch (NumberFormatException notANumber) {
                    return JSON.getNodeFactory().stringNode(text);
                }
            }
        }

        /** An attribute as JSON: arrays and maps as such, a string holding JSON parsed. */
        JsonNode json(String key) {
            AnyValue value = values.get(key);
            return value == null ? null : AnyValues.toJson(value, true);
        }
    }
}
