package dev.promptengine.ingest.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Valid request bodies as a host application sends them; tests break one field at a time. */
public final class Events {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** When the fixture usage happened: an hour ago, well inside the accepted window. */
    public static final Instant USAGE_TIME =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);

    public static final Instant EXECUTION_TIME = USAGE_TIME.plusSeconds(1);

    public static ObjectNode usage() {
        return usage(UUID.randomUUID());
    }

    public static ObjectNode usage(UUID id) {
        ObjectNode usage = JSON.objectNode();
        usage.put("id", id.toString());
        usage.put("occurred_at", USAGE_TIME.toString());
        usage.put("prompt_id", "support-reply");
        usage.put("prompt_slug", "support-reply");
        usage.put("prompt_version", 3);
        usage.put("environment", "production");
        usage.put("session_id", "sess-42");
        usage.put("user_identifier", "user-1234");
        usage.putObject("parameters").put("customer_name", "Ada").put("issue", "refund");
        usage.put("rendered_content", "Write a friendly reply to Ada about a refund.");
        usage.put("rendered_system_message", "You are a helpful support agent.");
        usage.putObject("metadata").put("app", "helpdesk");
        return usage;
    }

    public static ObjectNode execution(UUID usageId) {
        return execution(UUID.randomUUID(), usageId);
    }

    public static ObjectNode execution(UUID id, UUID usageId) {
        ObjectNode execution = JSON.objectNode();
        execution.put("id", id.toString());
        execution.put("usage_id", usageId.toString());
        execution.put("occurred_at", EXECUTION_TIME.toString());
        execution.put("prompt_slug", "support-reply");
        execution.put("prompt_version", 3);
        execution.put("provider", "openai");
        execution.put("model", "gpt-4o-2024-08-06");
        execution.put("temperature", 0.7);
        execution.put("max_tokens", 512);
        ArrayNode messages = execution.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are a helpful support agent.");
        messages.addObject().put("role", "user").put("content", "Write a friendly reply to Ada about a refund.");
        execution.put("response_content", "Hi Ada, your refund is on its way.");
        execution.put("input_tokens", 42);
        execution.put("output_tokens", 11);
        execution.put("cached_input_tokens", 10);
        execution.put("cache_write_tokens", 5);
        execution.put("reasoning_tokens", 3);
        execution.put("execution_time_ms", 812);
        execution.put("status", "success");
        execution.putObject("response_metadata").put("finish_reason", "stop");
        return execution;
    }

    public static ObjectNode batch(ObjectNode... events) {
        ObjectNode batch = JSON.objectNode();
        ArrayNode usages = batch.putArray("usages");
        ArrayNode executions = batch.putArray("executions");
        for (ObjectNode event : events) {
            (event.has("usage_id") ? executions : usages).add(event);
        }
        return batch;
    }

    private Events() {}
}
