package dev.promptengine.ingest.intake;

import dev.promptengine.ingest.intake.ExecutionEvent.ChatMessage;
import dev.promptengine.ingest.intake.ExecutionEvent.Status;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns request JSON into validated events, or throws {@link InvalidEventsException} listing every
 * violation of the request. Nothing is published for a request with a single violation.
 */
@Component
class EventReader {

    static final String DEFAULT_ENVIRONMENT = "production";

    private static final Set<String> USAGE_FIELDS = Set.of(
            "id",
            "occurred_at",
            "prompt_id",
            "prompt_slug",
            "prompt_version",
            "environment",
            "session_id",
            "user_identifier",
            "parameters",
            "rendered_content",
            "rendered_system_message",
            "metadata");

    private static final Set<String> EXECUTION_FIELDS = Set.of(
            "id",
            "usage_id",
            "occurred_at",
            "prompt_slug",
            "prompt_version",
            "environment",
            "session_id",
            "user_identifier",
            "provider",
            "model",
            "temperature",
            "max_tokens",
            "messages",
            "response_content",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "reasoning_tokens",
            "execution_time_ms",
            "status",
            "error_message",
            "response_metadata",
            "provider_cost_usd");

    /** A reported cost above this for one call is a unit mistake, not a price. */
    static final java.math.BigDecimal MAX_PROVIDER_COST = new java.math.BigDecimal("100000");
    /** What the event's decimal(38, 18) keeps. */
    static final int MONEY_SCALE = 18;

    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content");
    private static final Set<String> BATCH_FIELDS = Set.of("usages", "executions");

    private final IngestProperties limits;
    private final Clock clock;

    EventReader(IngestProperties limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** The events of one request, usages first. */
    record Events(List<UsageEvent> usages, List<ExecutionEvent> executions) {

        int size() {
            return usages.size() + executions.size();
        }
    }

    Events usage(JsonNode body) {
        var violations = new ArrayList<Violation>();
        var window = new Window(clock.instant(), limits);
        UsageEvent usage = readUsage(object(body), "", null, violations, window);
        validated(violations, window, 1);
        return new Events(List.of(usage), List.of());
    }

    Events execution(JsonNode body) {
        var violations = new ArrayList<Violation>();
        var window = new Window(clock.instant(), limits);
        ExecutionEvent execution = readExecution(object(body), "", null, violations, window);
        validated(violations, window, 1);
        if (execution.environment() == null) {
            execution =
                    execution.withUsageContext(DEFAULT_ENVIRONMENT, execution.sessionId(), execution.userIdentifier());
        }
        return new Events(List.of(), List.of(execution));
    }

    Events batch(JsonNode body) {
        return batch(body, limits.maxBatchEvents());
    }

    /** A batch of at most {@code maxEvents} events (an OTLP request makes two of each span). */
    Events batch(JsonNode body, int maxEvents) {
        ObjectNode root = object(body);
        var violations = new ArrayList<Violation>();
        var window = new Window(clock.instant(), limits);
        var reader = new FieldReader(root, "", null, violations);
        reader.rejectUnknownFields(BATCH_FIELDS);
        List<JsonNode> usageNodes = array(reader, "usages", violations);
        List<JsonNode> executionNodes = array(reader, "executions", violations);
        int count = usageNodes.size() + executionNodes.size();
        if (count > maxEvents) {
            throw new RequestTooLargeException(
                    "A batch may hold at most " + maxEvents + " events; this one has " + count, count);
        }
        if (count == 0 && violations.isEmpty()) {
            violations.add(new Violation(null, "usages", "a batch needs at least one usage or execution"));
        }
        var usages = new ArrayList<UsageEvent>(usageNodes.size());
        for (int i = 0; i < usageNodes.size(); i++) {
            String prefix = "usages[" + i + "]";
            if (usageNodes.get(i) instanceof ObjectNode node) {
                usages.add(readUsage(node, prefix + ".", i, violations, window));
            } else {
                violations.add(new Violation(i, prefix, "must be a JSON object"));
            }
        }
        var executions = new ArrayList<ExecutionEvent>(executionNodes.size());
        for (int i = 0; i < executionNodes.size(); i++) {
            String prefix = "executions[" + i + "]";
            if (executionNodes.get(i) instanceof ObjectNode node) {
                executions.add(readExecution(node, prefix + ".", i, violations, window));
            } else {
                violations.add(new Violation(i, prefix, "must be a JSON object"));
            }
        }
        rejectDuplicateIds(usages, UsageEvent::id, "usages", violations);
        rejectDuplicateIds(executions, ExecutionEvent::id, "executions", violations);
        validated(violations, window, Math.max(1, count));
        return new Events(usages, withUsageContext(usages, executions));
    }

    /**
     * Invalid fields answer 400 (listing the window violations too, so the client sees everything at
     * once); a request whose only fault is an {@code occurred_at} outside the window answers 422.
     */
    private static void validated(List<Violation> violations, Window window, int events) {
        if (!violations.isEmpty()) {
            var all = new ArrayList<>(violations);
            all.addAll(window.violations);
            throw new InvalidEventsException(all, events);
        }
        if (!window.violations.isEmpty()) {
            throw new OutsideWindowException(window.violations, window.from, window.to, events);
        }
    }

    /**
     * The {@code occurred_at} range ingest accepts for one request: not older than {@code
     * max-event-age} (analytics' raw retention, or analytics would dead-letter the event after the
     * 202) and not further ahead than {@code max-clock-skew}.
     */
    private static final class Window {

        final Instant from;
        final Instant to;
        final List<Violation> violations = new ArrayList<>();

        Window(Instant now, IngestProperties limits) {
            this.from = now.minus(limits.maxEventAge());
            this.to = now.plus(limits.maxClockSkew());
        }

        void check(FieldReader fields, Instant occurredAt) {
            if (occurredAt.isBefore(from)) {
                violations.add(new Violation(
                        fields.index(),
                        fields.path("occurred_at"),
                        "must not be older than " + from + " (max-event-age, the raw retention)"));
            } else if (occurredAt.isAfter(to)) {
                violations.add(new Violation(
                        fields.index(),
                        fields.path("occurred_at"),
                        "must not be later than " + to + " (max-clock-skew into the future)"));
            }
        }
    }

    /**
     * Executions without environment, session or user take them from their usage when the same batch
     * carries it (they are denormalised so analytics can filter executions without a join).
     */
    private static List<ExecutionEvent> withUsageContext(List<UsageEvent> usages, List<ExecutionEvent> executions) {
        Map<UUID, UsageEvent> byId = new HashMap<>();
        usages.forEach(usage -> byId.put(usage.id(), usage));
        var result = new ArrayList<ExecutionEvent>(executions.size());
        for (ExecutionEvent execution : executions) {
            UsageEvent usage = byId.get(execution.usageId());
            String environment = execution.environment() != null
                    ? execution.environment()
                    : usage != null ? usage.environment() : DEFAULT_ENVIRONMENT;
            String session = execution.sessionId() != null || usage == null ? execution.sessionId() : usage.sessionId();
            String user = execution.userIdentifier() != null || usage == null
                    ? execution.userIdentifier()
                    : usage.userIdentifier();
            result.add(execution.withUsageContext(environment, session, user));
        }
        return result;
    }

    private UsageEvent readUsage(
            ObjectNode node, String prefix, Integer index, List<Violation> violations, Window window) {
        var fields = new FieldReader(node, prefix, index, violations);
        fields.rejectUnknownFields(USAGE_FIELDS);
        int identifier = limits.maxIdentifierLength();
        int content = limits.maxContentLength();
        int before = violations.size();
        UUID id = fields.uuid("id", false);
        Instant occurredAt = occurredAt(fields, id, window);
        String promptId = fields.optionalString("prompt_id", identifier);
        String slug = fields.requiredString("prompt_slug", identifier);
        Integer version = fields.integer("prompt_version", true, 1, Integer.MAX_VALUE);
        String environment = environment(fields);
        String session = fields.optionalString("session_id", identifier);
        String user = fields.optionalString("user_identifier", identifier);
        JsonObject parameters = fields.object("parameters", limits.maxObjectLength());
        String rendered = fields.optionalString("rendered_content", content);
        String system = fields.optionalString("rendered_system_message", content);
        JsonObject metadata = fields.object("metadata", limits.maxObjectLength());
        if (violations.size() > before) {
            return null;
        }
        return new UsageEvent(
                id != null ? id : UUID.randomUUID(),
                occurredAt != null ? occurredAt : clock.instant(),
                promptId,
                slug,
                version,
                environment != null ? environment : DEFAULT_ENVIRONMENT,
                session,
                user,
                parameters,
                rendered,
                system,
                metadata);
    }

    private ExecutionEvent readExecution(
            ObjectNode node, String prefix, Integer index, List<Violation> violations, Window window) {
        var fields = new FieldReader(node, prefix, index, violations);
        fields.rejectUnknownFields(EXECUTION_FIELDS);
        int identifier = limits.maxIdentifierLength();
        int content = limits.maxContentLength();
        int before = violations.size();
        UUID id = fields.uuid("id", false);
        UUID usageId = fields.uuid("usage_id", true);
        Instant occurredAt = occurredAt(fields, id, window);
        String slug = fields.requiredString("prompt_slug", identifier);
        Integer version = fields.integer("prompt_version", true, 1, Integer.MAX_VALUE);
        String environment = environment(fields);
        String session = fields.optionalString("session_id", identifier);
        String user = fields.optionalString("user_identifier", identifier);
        String provider = fields.requiredString("provider", identifier);
        String model = fields.requiredString("model", identifier);
        Double temperature = fields.decimal("temperature", 0.0, 2.0);
        Integer maxTokens = fields.integer("max_tokens", false, 1, Integer.MAX_VALUE);
        List<ChatMessage> messages = messages(fields);
        String response = fields.optionalString("response_content", content);
        // Bounded so that no sum over a rollup's lifetime can overflow a bigint downstream.
        long tokenBound = limits.maxTokens();
        Long input = fields.longValue("input_tokens", false, 0, tokenBound);
        Long output = fields.longValue("output_tokens", false, 0, tokenBound);
        Long total = fields.longValue("total_tokens", false, 0, 2 * tokenBound);
        Long cached = fields.longValue("cached_input_tokens", false, 0, tokenBound);
        Long cacheWrite = fields.longValue("cache_write_tokens", false, 0, tokenBound);
        Long reasoning = fields.longValue("reasoning_tokens", false, 0, tokenBound);
        Long executionTime = fields.longValue(
                "execution_time_ms", false, 0, limits.maxExecutionTime().toMillis());
        Status status = status(fields);
        String error = fields.optionalString("error_message", content);
        JsonObject responseMetadata = fields.object("response_metadata", limits.maxObjectLength());
        java.math.BigDecimal providerCost = fields.money("provider_cost_usd", MAX_PROVIDER_COST, MONEY_SCALE);
        if (providerCost == null && responseMetadata != null) {
            // the provider's own usage object, as OpenRouter reports it: response_metadata.usage.cost (USD)
            var reported = responseMetadata.node().path("usage").path("cost");
            if (reported.isNumber() || reported.isString()) {
                providerCost = fields.money("response_metadata.usage.cost", reported, MAX_PROVIDER_COST, MONEY_SCALE);
            }
        }
        if (violations.size() > before) {
            return null;
        }
        long in = input == null ? 0 : input;
        long out = output == null ? 0 : output;
        long cacheRead = cached == null ? 0 : cached;
        long written = cacheWrite == null ? 0 : cacheWrite;
        long reasoned = reasoning == null ? 0 : reasoning;
        long sum;
        try {
            sum = Math.addExact(in, out);
        } catch (ArithmeticException e) {
            fields.reject("total_tokens", "input_tokens + output_tokens overflows");
            return null;
        }
        if (total != null && total != sum) {
            fields.reject("total_tokens", "must equal input_tokens + output_tokens (" + sum + ")");
        }
        if (cacheRead > in) {
            fields.reject("cached_input_tokens", "must be <= input_tokens (" + in + ")");
        } else if (written > in - cacheRead) {
            fields.reject("cache_write_tokens", "cached_input_tokens + cache_write_tokens must be <= input_tokens");
        }
        if (reasoned > out) {
            fields.reject("reasoning_tokens", "must be <= output_tokens (" + out + ")");
        }
        if (violations.size() > before) {
            return null;
        }
        return new ExecutionEvent(
                id != null ? id : UUID.randomUUID(),
                usageId,
                occurredAt != null ? occurredAt : clock.instant(),
                slug,
                version,
                environment,
                session,
                user,
                provider,
                model,
                temperature,
                maxTokens,
                messages,
                response,
                in,
                out,
                sum,
                cacheRead,
                written,
                reasoned,
                executionTime == null ? 0 : executionTime,
                status,
                error,
                responseMetadata,
                providerCost);
    }

    /**
     * The event time, checked against the window. A client id needs its time: analytics dedupes on
     * (tenant, id, occurred_at), so a retry that let ingest fill in "now" again would be counted twice.
     */
    private static Instant occurredAt(FieldReader fields, UUID id, Window window) {
        if (id != null && !fields.isPresent("occurred_at")) {
            fields.reject(
                    "occurred_at",
                    "is required when id is sent: a retry must resend its original occurred_at, or"
                            + " deduplication cannot see the duplicate");
            return null;
        }
        Instant occurredAt = fields.timestamp("occurred_at");
        if (occurredAt != null) {
            window.check(fields, occurredAt);
        }
        return occurredAt;
    }

    private String environment(FieldReader fields) {
        String environment = fields.optionalString("environment", limits.maxIdentifierLength());
        if (environment != null && environment.isBlank()) {
            fields.reject("environment", "must not be blank");
            return null;
        }
        return environment;
    }

    private static Status status(FieldReader fields) {
        String status = fields.requiredString("status", 32);
        if (status == null) {
            return null;
        }
        try {
            return Status.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            fields.reject("status", "must be one of success, error, timeout");
            return null;
        }
    }

    private List<ChatMessage> messages(FieldReader fields) {
        JsonNode node = fields.raw("messages");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            fields.reject("messages", "must be an array of {\"role\", \"content\"} objects");
            return List.of();
        }
        if (node.size() > limits.maxMessages()) {
            fields.reject("messages", "must hold at most " + limits.maxMessages() + " messages");
            return List.of();
        }
        var messages = new ArrayList<ChatMessage>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String path = fields.path("messages[" + i + "]");
            if (!(node.get(i) instanceof ObjectNode message)) {
                fields.violations().add(new Violation(fields.index(), path, "must be a JSON object"));
                continue;
            }
            var reader = new FieldReader(message, path + ".", fields.index(), fields.violations());
            reader.rejectUnknownFields(MESSAGE_FIELDS);
            String role = reader.requiredString("role", 64);
            String content = reader.optionalString("content", limits.maxContentLength());
            messages.add(new ChatMessage(role, content));
        }
        return messages;
    }

    private static List<JsonNode> array(FieldReader reader, String field, List<Violation> violations) {
        JsonNode node = reader.raw(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            reader.reject(field, "must be an array");
            return List.of();
        }
        var elements = new ArrayList<JsonNode>(node.size());
        node.forEach(elements::add);
        return elements;
    }

    private static ObjectNode object(JsonNode body) {
        if (body instanceof ObjectNode node) {
            return node;
        }
        throw new MalformedJsonException("The body must be a JSON object");
    }

    private static <T> void rejectDuplicateIds(
            List<T> events, java.util.function.Function<T, UUID> id, String array, List<Violation> violations) {
        Map<UUID, Integer> seen = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            T event = events.get(i);
            if (event == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(id.apply(event), i);
            if (first != null) {
                violations.add(new Violation(
                        i, array + "[" + i + "].id", "duplicates " + array + "[" + first + "].id in this request"));
            }
        }
    }
}
