package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroDeserializer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns record bytes into validated facts, or into a reason why the record is poison. Everything
 * PostgreSQL would reject (NUL characters, invalid JSON) or the service cannot place (an event
 * older than raw retention, far in the future) is caught here, so a batch transaction fails only
 * for infrastructure reasons.
 */
@Component
class EventDecoder {

    sealed interface Decoded {
        /** The fact's key; null for poison. */
        FactKey key();
    }

    record Usage(UsageFact fact) implements Decoded {
        @Override
        public FactKey key() {
            return fact.key();
        }
    }

    record Execution(ExecutionFact fact) implements Decoded {
        @Override
        public FactKey key() {
            return fact.key();
        }
    }

    record Poison(String reason) implements Decoded {
        @Override
        public FactKey key() {
            return null;
        }
    }

    private final AvroDeserializer<SpecificRecord> avro = new AvroDeserializer<>();
    private final JsonMapper json = JsonMapper.builder().build();
    private final AnalyticsProperties properties;
    private final Clock clock;

    EventDecoder(AnalyticsProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    Decoded decode(String topic, byte[] value) {
        if (value == null) {
            return new Poison("tombstone (null value) on " + topic);
        }
        SpecificRecord record;
        try {
            record = avro.deserialize(topic, value);
        } catch (RuntimeException e) {
            return new Poison(e.getMessage());
        }
        try {
            if (topic.equals(properties.topics().usage()) && record instanceof PromptUsage usage) {
                return checked(usage(usage));
            }
            if (topic.equals(properties.topics().executionCosted()) && record instanceof CostedLlmExecution costed) {
                return checked(execution(costed));
            }
            return new Poison("unexpected event type " + record.getSchema().getFullName() + " on " + topic);
        } catch (InvalidEventException e) {
            return new Poison(e.getMessage());
        }
    }

    private Decoded checked(Decoded decoded) {
        FactKey key = decoded.key();
        Instant now = clock.instant();
        LocalDate oldestDay = LocalDate.ofInstant(now, ZoneOffset.UTC)
                .minusDays(properties.retention().rawDays());
        if (LocalDate.ofInstant(key.occurredAt(), ZoneOffset.UTC).isBefore(oldestDay)) {
            return new Poison("occurred_at " + key.occurredAt() + " is older than the raw retention ("
                    + properties.retention().rawDays() + " days)");
        }
        if (key.occurredAt().isAfter(now.plus(properties.maxFutureSkew()))) {
            return new Poison("occurred_at " + key.occurredAt() + " is more than " + properties.maxFutureSkew()
                    + " in the future");
        }
        return decoded;
    }

    private Usage usage(PromptUsage u) {
        var key = new FactKey(tenant(u.getTenant()), u.getId(), u.getOccurredAt());
        return new Usage(new UsageFact(
                key,
                u.getReceivedAt(),
                text("prompt_id", u.getPromptId()),
                required("prompt_slug", u.getPromptSlug()),
                u.getPromptVersion(),
                required("environment", u.getEnvironment()),
                text("session_id", u.getSessionId()),
                text("user_identifier", u.getUserIdentifier()),
                jsonText("parameters", u.getParameters()),
                jsonText("metadata", u.getMetadata()),
                lower(u.getCaptureMode().name()),
                redactions(u.getRedactions()),
                text("rendered_content", u.getRenderedContent()),
                text("rendered_system_message", u.getRenderedSystemMessage())));
    }

    private Execution execution(CostedLlmExecution costed) {
        LlmExecution e = costed.getExecution();
        var cost = costed.getCost();
        var key = new FactKey(tenant(e.getTenant()), e.getId(), e.getOccurredAt());
        String status = lower(e.getStatus().name());
        String errorMessage = text("error_message", e.getErrorMessage());
        return new Execution(new ExecutionFact(
                key,
                e.getUsageId(),
                e.getReceivedAt(),
                required("prompt_slug", e.getPromptSlug()),
                e.getPromptVersion(),
                required("environment", e.getEnvironment()),
                text("session_id", e.getSessionId()),
                text("user_identifier", e.getUserIdentifier()),
                required("provider", e.getProvider()),
                required("model", e.getModel()),
                e.getTemperature(),
                e.getMaxTokens(),
                tokens("input_tokens", e.getInputTokens()),
                tokens("output_tokens", e.getOutputTokens()),
                tokens("total_tokens", e.getTotalTokens()),
                tokens("cached_input_tokens", e.getCachedInputTokens()),
                tokens("cache_write_tokens", e.getCacheWriteTokens()),
                tokens("reasoning_tokens", e.getReasoningTokens()),
                milliseconds("execution_time_ms", e.getExecutionTimeMs()),
                LatencyHistogram.bucketOf(e.getExecutionTimeMs()),
                status,
                ErrorCategories.categorize(status, errorMessage),
                errorMessage,
                jsonText("response_metadata", e.getResponseMetadata()),
                lower(e.getCaptureMode().name()),
                redactions(e.getRedactions()),
                lower(cost.getPricingStatus().name()),
                cost.getPriceId(),
                text("matched_rule", cost.getMatchedRule()),
                required("currency", cost.getCurrency()),
                cost.getInputCost(),
                cost.getCachedInputCost(),
                cost.getCacheWriteCost(),
                cost.getOutputCost(),
                cost.getReasoningCost(),
                cost.getTotalCost(),
                cost.getLongContextApplied(),
                cost.getPricedAt(),
                messages(e.getMessages()),
                text("response_content", e.getResponseContent())));
    }

    private String tenant(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidEventException("tenant is blank");
        }
        return text("tenant", tenant);
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(field + " is blank");
        }
        return text(field, value);
    }

    private static String text(String field, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw new InvalidEventException(field + " contains a NUL character (PostgreSQL text cannot hold it)");
        }
        return value;
    }

    private static long nonNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidEventException(field + " is negative: " + value);
        }
        return value;
    }

    /*
     * The same bounds ingest-service enforces at the door (max-tokens, total twice it;
     * max-execution-time), checked again here for producers that write to Kafka directly: they keep
     * every bigint sum of a rollup row far from overflow, so one absurd value cannot fail the batch.
     */
    static final long MAX_TOKENS = 2_000_000_000L;
    static final long MAX_EXECUTION_TIME_MS = 86_400_000L;

    private static long tokens(String field, long value) {
        if (nonNegative(field, value) > MAX_TOKENS) {
            throw new InvalidEventException(field + " is " + value + ", above the bound of " + MAX_TOKENS);
        }
        return value;
    }

    private static long milliseconds(String field, long value) {
        if (nonNegative(field, value) > MAX_EXECUTION_TIME_MS) {
            throw new InvalidEventException(
                    field + " is " + value + ", above the bound of " + MAX_EXECUTION_TIME_MS + " (24 h)");
        }
        return value;
    }

    private String jsonText(String field, String value) {
        if (value == null) {
            return null;
        }
        if (value.contains("\\u0000") || value.indexOf('\u0000') >= 0) {
            throw new InvalidEventException(field + " contains a NUL character (jsonb cannot hold it)");
        }
        try {
            json.readTree(value);
        } catch (JacksonException e) {
            throw new InvalidEventException(field + " is not valid JSON: " + e.getOriginalMessage());
        }
        return value;
    }

    private String redactions(Map<String, Integer> redactions) {
        if (redactions == null || redactions.isEmpty()) {
            return "{}";
        }
        redactions.keySet().forEach(name -> text("redactions", name));
        return json.writeValueAsString(redactions);
    }

    private String messages(List<Message> messages) {
        if (messages == null || messages.isEmpty()) {
            return null;
        }
        var list = new java.util.ArrayList<Map<String, String>>(messages.size());
        for (Message message : messages) {
            var map = new LinkedHashMap<String, String>(4);
            map.put("role", text("messages.role", message.getRole()));
            map.put("content", text("messages.content", message.getContent()));
            list.add(map);
        }
        return json.writeValueAsString(list);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    static final class InvalidEventException extends RuntimeException {
        InvalidEventException(String message) {
            super(message, null, false, false);
        }
    }
}
