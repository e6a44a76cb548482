package dev.promptengine.client;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the client writes: ingest's event fields and the host's parameter and metadata
 * maps (strings, numbers, booleans, nulls, maps, collections, arrays; anything else as its
 * {@code toString()}). Hand-written so the client needs no JSON library.
 */
final class Json {

    static Map<String, ?> copy(Map<String, ?> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static String usage(Usage usage) {
        var out = new Writer();
        out.field("id", usage.id().toString());
        out.field("occurred_at", usage.occurredAt().toString());
        out.field("prompt_id", usage.promptId());
        out.field("prompt_slug", usage.promptSlug());
        out.field("prompt_version", usage.promptVersion());
        out.field("environment", usage.environment());
        out.field("session_id", usage.sessionId());
        out.field("user_identifier", usage.userIdentifier());
        out.field("parameters", usage.parameters());
        out.field("rendered_content", usage.renderedContent());
        out.field("rendered_system_message", usage.renderedSystemMessage());
        out.field("metadata", usage.metadata());
        return out.end();
    }

    static String execution(Execution execution) {
        var out = new Writer();
        out.field("id", execution.id().toString());
        out.field("usage_id", execution.usageId().toString());
        out.field("occurred_at", execution.occurredAt().toString());
        out.field("prompt_slug", execution.promptSlug());
        out.field("prompt_version", execution.promptVersion());
        out.field("environment", execution.environment());
        out.field("session_id", execution.sessionId());
        out.field("user_identifier", execution.userIdentifier());
        out.field("provider", execution.provider());
        out.field("model", execution.model());
        out.field("temperature", execution.temperature());
        out.field("max_tokens", execution.maxTokens());
        if (!execution.messages().isEmpty()) {
            out.name("messages");
            out.text.append('[');
            boolean first = true;
            for (Message message : execution.messages()) {
                if (!first) {
                    out.text.append(',');
                }
                first = false;
                out.text.append("{\"role\":");
                string(out.text, message.role());
                out.text.append(",\"content\":");
                value(out.text, message.content());
                out.text.append('}');
            }
            out.text.append(']');
        }
        out.field("response_content", execution.responseContent());
        out.field("input_tokens", execution.inputTokens());
        out.field("output_tokens", execution.outputTokens());
        out.field("total_tokens", execution.totalTokens());
        out.field("cached_input_tokens", execution.cachedInputTokens());
        out.field("cache_write_tokens", execution.cacheWriteTokens());
        out.field("reasoning_tokens", execution.reasoningTokens());
        out.field("execution_time_ms", execution.executionTimeMs());
        out.field("status", execution.status().name().toLowerCase(java.util.Locale.ROOT));
        out.field("error_message", execution.errorMessage());
        out.field("response_metadata", execution.responseMetadata());
        // a string: ingest keeps every digit of it (a JSON number would be read as a double)
        out.field(
                "provider_cost_usd",
                execution.providerCostUsd() == null
                        ? null
                        : execution.providerCostUsd().toPlainString());
        return out.end();
    }

    /** {@code {"usages":[...],"executions":[...]}} from already encoded events. */
    static String batch(List<String> usages, List<String> executions) {
        var text = new StringBuilder(64 + usages.size() * 256 + executions.size() * 512);
        text.append("{\"usages\":[");
        text.append(String.join(",", usages));
        text.append("],\"executions\":[");
        text.append(String.join(",", executions));
        return text.append("]}").toString();
    }

    /** JSON object text of a map, or null (the Avro events carry parameters and metadata as text). */
    static String object(Map<String, ?> map) {
        if (map == null) {
            return null;
        }
        var text = new StringBuilder();
        value(text, map);
        return text.toString();
    }

    private static final class Writer {
        final StringBuilder text = new StringBuilder(256).append('{');
        boolean first = true;

        void name(String name) {
            if (!first) {
                text.append(',');
            }
            first = false;
            text.append('"').append(name).append("\":");
        }

        void field(String name, Object value) {
            if (value != null) {
                name(name);
                value(text, value);
            }
        }

        String end() {
            return text.append('}').toString();
        }
    }

    private static void value(StringBuilder text, Object value) {
        if (value == null) {
            text.append("null");
        } else if (value instanceof String string) {
            string(text, string);
        } else if (value instanceof Boolean
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger) {
            text.append(value);
        } else if (value instanceof BigDecimal decimal) {
            text.append(decimal.toString());
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            if (Double.isFinite(d)) {
                text.append(number);
            } else {
                text.append("null");
            }
        } else if (value instanceof Map<?, ?> map) {
            text.append('{');
            boolean first = true;
            for (var entry : map.entrySet()) {
                if (!first) {
                    text.append(',');
                }
                first = false;
                string(text, String.valueOf(entry.getKey()));
                text.append(':');
                value(text, entry.getValue());
            }
            text.append('}');
        } else if (value instanceof Collection<?> collection) {
            array(text, collection);
        } else if (value instanceof Object[] array) {
            array(text, java.util.Arrays.asList(array));
        } else {
            string(text, value.toString());
        }
    }

    private static void array(StringBuilder text, Collection<?> values) {
        text.append('[');
        boolean first = true;
        for (Object element : values) {
            if (!first) {
                text.append(',');
            }
            first = false;
            value(text, element);
        }
        text.append(']');
    }

    static void string(StringBuilder text, String value) {
        dev.promptengine.schemas.JsonStrings.append(text, value);
    }

    private Json() {}
}
