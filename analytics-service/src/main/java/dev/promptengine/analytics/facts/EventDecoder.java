package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.privacy.ContentKeys;
import dev.promptengine.events.CostCorrection;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroDeserializer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns record bytes into validated facts, or into a reason why the record is poison. Everything
 * PostgreSQL would reject (NUL characters, invalid JSON) or the service cannot place (an event
 * older than raw retention, far in the future) is caught here, so a batch transaction fails only
 * for infrastructure reasons. Sealed content is kept sealed; only a sealed error message is opened
 * here, in memory, to classify the error (the plaintext is not stored).
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

    /** A re-pricing correction; its key is the corrected execution's. */
    record Correction(CostRevision revision) implements Decoded {
        @Override
        public FactKey key() {
            return revision.key();
        }
    }

    /**
     * Why a record cannot be counted, and whose it is as far as it decoded.
     *
     * @param kind a stable class of reason: {@code undecodable}, {@code unexpected_type}, {@code
     *     invalid_field}, {@code outside_window}, {@code rejected_by_database}, {@code unknown_execution}
     */
    record Poison(String kind, String reason, String tenant, UUID eventId, String eventType) implements Decoded {

        static final String UNDECODABLE = "undecodable";
        static final String UNEXPECTED_TYPE = "unexpected_type";
        static final String INVALID_FIELD = "invalid_field";
        static final String OUTSIDE_WINDOW = "outside_window";
        static final String REJECTED_BY_DATABASE = "rejected_by_database";
        /** A cost correction for an execution that is not stored (replay it once the execution is). */
        static final String UNKNOWN_EXECUTION = "unknown_execution";

        static Poison undecodable(String reason) {
            return new Poison(UNDECODABLE, reason, null, null, null);
        }

        @Override
        public FactKey key() {
            return null;
        }
    }

    private final AvroDeserializer<SpecificRecord> avro = new AvroDeserializer<>();
    private final JsonMapper json = JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private final AnalyticsProperties properties;
    private final Clock clock;
    private final ContentKeys contentKeys;

    EventDecoder(AnalyticsProperties properties, Clock clock, ContentKeys contentKeys) {
        this.properties = properties;
        this.clock = clock;
        this.contentKeys = contentKeys;
    }

    Decoded decode(String topic, byte[] value) {
        if (value == null) {
            return Poison.undecodable("tombstone (null value) on " + topic);
        }
        SpecificRecord record;
        try {
            record = avro.deserialize(topic, value);
        } catch (RuntimeException e) {
            return Poison.undecodable(e.getMessage());
        }
        if (topic.equals(properties.topics().usage()) && record instanceof PromptUsage usage) {
            return checked(usage.getTenant(), usage.getId(), "usage", () -> usage(usage));
        }
        if (topic.equals(properties.topics().executionCosted()) && record instanceof CostedLlmExecution costed) {
            var e = costed.getExecution();
            return checked(
                    e == null ? null : e.getTenant(),
                    e == null ? null : e.getId(),
                    "execution",
                    () -> execution(costed));
        }
        if (topic.equals(properties.topics().costCorrection()) && record instanceof CostCorrection correction) {
            return checked(
                    correction.getTenant(), correction.getExecutionId(), "execution", () -> correction(correction));
        }
        return new Poison(
                Poison.UNEXPECTED_TYPE,
                "unexpected event type " + record.getSchema().getFullName() + " on " + topic,
                null,
                null,
                null);
    }

    private Decoded checked(String tenant, UUID id, String type, java.util.function.Supplier<Decoded> decode) {
        String owner = tenant == null || tenant.indexOf('\u0000') >= 0 ? null : tenant;
        Decoded decoded;
        try {
            decoded = decode.get();
        } catch (InvalidEventException e) {
            return new Poison(Poison.INVALID_FIELD, e.getMessage(), owner, id, type);
        }
        FactKey key = decoded.key();
        Instant now = clock.instant();
        LocalDate oldestDay = LocalDate.ofInstant(now, ZoneOffset.UTC)
                .minusDays(properties.retention().rawDays());
        if (LocalDate.ofInstant(key.occurredAt(), ZoneOffset.UTC).isBefore(oldestDay)) {
            return new Poison(
                    Poison.OUTSIDE_WINDOW,
                    "occurred_at " + key.occurredAt() + " is older than the raw retention ("
                            + properties.retention().rawDays() + " days)",
                    owner,
                    id,
                    type);
        }
        if (key.occurredAt().isAfter(now.plus(properties.maxFutureSkew()))) {
            return new Poison(
                    Poison.OUTSIDE_WINDOW,
                    "occurred_at " + key.occurredAt() + " is more than " + properties.maxFutureSkew()
                            + " in the future",
                    owner,
                    id,
                    type);
        }
        return decoded;
    }

    private Usage usage(PromptUsage u) {
        var key = new FactKey(tenant(u.getTenant()), u.getId(), u.getOccurredAt());
        return new Usage(new UsageFact(
                key,
                receivedAt(u.getReceivedAt()),
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
                text("rendered_system_message", u.getRenderedSystemMessage()),
                u.getSealed() == null ? null : ContentKeys.stored(u.getSealed())));
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
                receivedAt(e.getReceivedAt()),
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
                ErrorCategories.categorize(
                        status,
                        errorMessage != null || e.getSealed() == null
                                ? errorMessage
                                : contentKeys.sealedErrorMessage(key.tenant(), key.id(), e.getSealed())),
                errorMessage,
                jsonText("response_metadata", e.getResponseMetadata()),
                lower(e.getCaptureMode().name()),
                redactions(e.getRedactions()),
                lower(cost.getPricingStatus().name()),
                cost.getPriceId(),
                text("matched_rule", cost.getMatchedRule()),
                required("currency", cost.getCurrency()),
                amount("input_cost", cost.getInputCost()),
                amount("cached_input_cost", cost.getCachedInputCost()),
                amount("cache_write_cost", cost.getCacheWriteCost()),
                amount("output_cost", cost.getOutputCost()),
                amount("reasoning_cost", cost.getReasoningCost()),
                amount("total_cost", cost.getTotalCost()),
                cost.getLongContextApplied(),
                cost.getPricedAt(),
                cost.getPriceVersion(),
                text("price_layer", cost.getPriceLayer()),
                cost.getDiscountId(),
                amount("discount_percent", cost.getDiscountPercent()),
                costSource(cost),
                amount("catalog_cost", catalogCost(cost)),
                amount("provider_cost", cost.getProviderCost() != null ? cost.getProviderCost() : e.getProviderCost()),
                cost.getRevision(),
                messages(e.getMessages()),
                text("response_content", e.getResponseContent()),
                e.getSealed() == null ? null : ContentKeys.stored(e.getSealed())));
    }

    /**
     * What priced it: {@code catalog}, {@code provider} or {@code unknown} (unpriced). An event
     * written before v2 says UNKNOWN; when PRICED it was priced by the catalog, whose total is then
     * also its catalog cost.
     */
    static String costSource(dev.promptengine.events.ExecutionCost cost) {
        return switch (cost.getCostSource()) {
            case CATALOG -> "catalog";
            case PROVIDER -> "provider";
            case UNKNOWN ->
                cost.getPricingStatus() == dev.promptengine.events.PricingStatus.PRICED ? "catalog" : "unknown";
        };
    }

    private Correction correction(CostCorrection c) {
        var key = new FactKey(tenant(c.getTenant()), c.getExecutionId(), c.getOccurredAt());
        var cost = c.getCost();
        if (c.getRevision() < 1 || cost.getRevision() != c.getRevision()) {
            throw new InvalidEventException("revision " + c.getRevision() + " must be >= 1 and equal cost.revision ("
                    + cost.getRevision() + ")");
        }
        if (cost.getPricingStatus() == dev.promptengine.events.PricingStatus.PRICED && cost.getTotalCost() == null) {
            throw new InvalidEventException("cost.total_cost is null for a PRICED correction");
        }
        return new Correction(new CostRevision(
                key,
                c.getId(),
                c.getRepricingId(),
                c.getRevision(),
                lower(cost.getPricingStatus().name()),
                cost.getPriceId(),
                cost.getPriceVersion(),
                text("cost.price_layer", cost.getPriceLayer()),
                text("cost.matched_rule", cost.getMatchedRule()),
                cost.getDiscountId(),
                amount("cost.discount_percent", cost.getDiscountPercent()),
                costSource(cost),
                amount("cost.input_cost", cost.getInputCost()),
                amount("cost.cached_input_cost", cost.getCachedInputCost()),
                amount("cost.cache_write_cost", cost.getCacheWriteCost()),
                amount("cost.output_cost", cost.getOutputCost()),
                amount("cost.reasoning_cost", cost.getReasoningCost()),
                amount("cost.total_cost", cost.getTotalCost()),
                amount("cost.catalog_cost", catalogCost(cost)),
                amount("cost.provider_cost", cost.getProviderCost()),
                cost.getLongContextApplied(),
                cost.getPricedAt()));
    }

    /** The catalog's total; for an event before v2 priced by the catalog, its total cost. */
    private static BigDecimal catalogCost(dev.promptengine.events.ExecutionCost cost) {
        if (cost.getCatalogCost() == null && cost.getCostSource() == dev.promptengine.events.CostSource.UNKNOWN) {
            return cost.getTotalCost();
        }
        return cost.getCatalogCost();
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

    /** What numeric(38, 18) holds: 20 digits before the point; a cost is never negative. */
    private static final int AMOUNT_MAX_INTEGER_DIGITS = 20;

    private static BigDecimal amount(String field, BigDecimal value) {
        if (value == null) {
            return null;
        }
        if (value.signum() < 0) {
            throw new InvalidEventException(field + " is negative: " + value.toPlainString());
        }
        if (value.precision() - value.scale() > AMOUNT_MAX_INTEGER_DIGITS || value.scale() > 18) {
            throw new InvalidEventException(field + " " + value.toEngineeringString()
                    + " does not fit numeric(38, 18) (at most 20 digits before the point, 18 after it)");
        }
        return value;
    }

    /** received_at is set by ingest; from a direct producer it must still be a plausible time. */
    private static final Instant EARLIEST_RECEIVED_AT = Instant.parse("2000-01-01T00:00:00Z");

    private Instant receivedAt(Instant value) {
        if (value == null) {
            return null; // optional in the schema; stored as the time of writing
        }
        if (value.isBefore(EARLIEST_RECEIVED_AT)
                || value.isAfter(clock.instant().plus(properties.maxFutureSkew()))) {
            throw new InvalidEventException("received_at " + value + " is outside " + EARLIEST_RECEIVED_AT
                    + " .. now + " + properties.maxFutureSkew());
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

    /*
     * What jsonb refuses although Jackson parses it: NUL (as text or as an escape), an escape of an
     * unpaired UTF-16 surrogate (such as D800), and numbers outside PostgreSQL numeric (more than 131,072
     * digits before the point or 16,383 after it, e.g. 1e1000000).
     */
    private static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;
    private static final int NUMERIC_MAX_SCALE = 16_383;

    private String jsonText(String field, String value) {
        if (value == null) {
            return null;
        }
        JsonNode tree;
        try {
            tree = json.readTree(value);
        } catch (JacksonException e) {
            throw new InvalidEventException(field + " is not valid JSON: " + e.getOriginalMessage());
        }
        checkJson(field, tree);
        return value;
    }

    private static void checkJson(String field, JsonNode node) {
        if (node.isString()) {
            storableText(field, node.asString());
        } else if (node.isNumber()) {
            BigDecimal number = node.decimalValue();
            if (number.precision() - number.scale() > NUMERIC_MAX_INTEGER_DIGITS
                    || number.scale() > NUMERIC_MAX_SCALE) {
                throw new InvalidEventException(field + " holds a number outside what PostgreSQL jsonb can store ("
                        + NUMERIC_MAX_INTEGER_DIGITS + " digits before the point, " + NUMERIC_MAX_SCALE
                        + " after it)");
            }
        } else if (node.isContainer()) {
            for (var entry : node.properties()) {
                storableText(field, entry.getKey());
                checkJson(field, entry.getValue());
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    checkJson(field, element);
                }
            }
        }
    }

    private static void storableText(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                throw new InvalidEventException(field + " contains a NUL character (jsonb cannot hold it)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidEventException(field + " contains an unpaired UTF-16 surrogate (\\u"
                        + Integer.toHexString(c) + ", jsonb cannot hold it)");
            }
        }
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
