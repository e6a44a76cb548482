package dev.promptengine.e2e.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Realistic, repeatable traffic for the dashboard: prompts with versions across environments,
 * providers and models, with successes, categorised errors and timeouts, spread over a window of
 * event time. Tests compute what they expect from the same list they publish.
 */
record Traffic(Instant from, Instant to, List<Call> calls) {

    record Call(
            UUID usageId,
            UUID executionId,
            Instant occurredAt,
            String prompt,
            int version,
            String environment,
            String provider,
            String model,
            String status,
            int inputTokens,
            int outputTokens,
            int latencyMs,
            String errorMessage,
            String userMessage,
            String response) {}

    private static final String[][] PROMPTS = {
        {"welcome-email", "1"}, {"welcome-email", "2"}, {"summarize-ticket", "3"}, {"classify-intent", "1"}
    };
    private static final String[][] MODELS = {
        {"openai", "gpt-4o-mini"}, {"openai", "gpt-4o"}, {"anthropic", "claude-3-5-sonnet-20241022"}
    };
    private static final String[] ERRORS = {
        "Rate limit exceeded: 429 Too Many Requests",
        "Invalid API key provided (401 authentication)",
        "Connection reset by peer (network)",
        "Invalid request: max_tokens is too large"
    };

    /** {@code count} calls, evenly over {@code span} starting at {@code from}, from a fixed seed. */
    static Traffic generate(Instant from, Duration span, int count) {
        var random = new Random(20261127);
        var calls = new ArrayList<Call>();
        long step = span.toMillis() / count;
        for (int i = 0; i < count; i++) {
            String[] prompt = PROMPTS[random.nextInt(PROMPTS.length)];
            String[] model = MODELS[random.nextInt(MODELS.length)];
            int roll = random.nextInt(100);
            String status = roll < 84 ? "success" : roll < 94 ? "error" : "timeout";
            String error = switch (status) {
                case "error" -> ERRORS[random.nextInt(ERRORS.length)];
                case "timeout" -> "Request timed out after 30000 ms";
                default -> null;
            };
            int input = 200 + random.nextInt(1800);
            int output = "success".equals(status) ? 50 + random.nextInt(700) : 0;
            int latency =
                    "timeout".equals(status) ? 30_000 : 250 + (int) Math.round(Math.abs(random.nextGaussian()) * 900);
            String user = "Customer " + (i % 17) + " asks about order #" + (1000 + i);
            calls.add(new Call(
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    from.plusMillis(step * i + random.nextInt((int) Math.max(1, step))),
                    prompt[0],
                    Integer.parseInt(prompt[1]),
                    random.nextInt(4) == 0 ? "staging" : "production",
                    model[0],
                    model[1],
                    status,
                    input,
                    output,
                    latency,
                    error,
                    user,
                    "success".equals(status) ? "Thanks for reaching out about order #" + (1000 + i) + "." : null));
        }
        return new Traffic(from, from.plus(span), List.copyOf(calls));
    }

    /** One live call at {@code at}, for the live-update test. */
    static Call liveCall(Instant at) {
        return new Call(
                UUID.randomUUID(),
                UUID.randomUUID(),
                at,
                "welcome-email",
                2,
                "production",
                "openai",
                "gpt-4o-mini",
                "success",
                1000,
                500,
                840,
                null,
                "Live question",
                "Live answer");
    }

    /** The same calls made to another provider and model (one without a price, for example). */
    Traffic withModel(String provider, String model) {
        return new Traffic(
                from,
                to,
                calls.stream()
                        .map(c -> new Call(
                                c.usageId(),
                                c.executionId(),
                                c.occurredAt(),
                                c.prompt(),
                                c.version(),
                                c.environment(),
                                provider,
                                model,
                                c.status(),
                                c.inputTokens(),
                                c.outputTokens(),
                                c.latencyMs(),
                                c.errorMessage(),
                                c.userMessage(),
                                c.response()))
                        .toList());
    }

    long count(Predicate<Call> filter) {
        return calls.stream().filter(filter).count();
    }

    List<Call> where(Predicate<Call> filter) {
        return calls.stream().filter(filter).toList();
    }

    /** Batches for {@code POST /v1/events}: each call as a usage and its execution. */
    List<String> batches(int size) {
        var batches = new ArrayList<String>();
        for (int i = 0; i < calls.size(); i += size) {
            batches.add(batch(calls.subList(i, Math.min(calls.size(), i + size))));
        }
        return batches;
    }

    static String batch(List<Call> calls) {
        String usages = calls.stream().map(Traffic::usage).collect(Collectors.joining(",\n"));
        String executions = calls.stream().map(Traffic::execution).collect(Collectors.joining(",\n"));
        return "{\"usages\": [" + usages + "],\n \"executions\": [" + executions + "]}";
    }

    private static String usage(Call c) {
        return """
                {"id": "%s", "occurred_at": "%s", "prompt_slug": "%s", "prompt_version": %d, "environment": "%s",
                 "session_id": "session-%s", "user_identifier": "user-%s",
                 "rendered_content": %s, "rendered_system_message": "You are a helpful support assistant."}""".formatted(
                        c.usageId(),
                        c.occurredAt(),
                        c.prompt(),
                        c.version(),
                        c.environment(),
                        c.usageId().toString().substring(0, 4),
                        c.usageId().toString().substring(4, 8),
                        quote(c.userMessage()));
    }

    private static String execution(Call c) {
        return """
                {"id": "%s", "usage_id": "%s", "occurred_at": "%s", "prompt_slug": "%s", "prompt_version": %d,
                 "environment": "%s", "provider": "%s", "model": "%s", "temperature": 0.2, "max_tokens": 800,
                 "messages": [{"role": "system", "content": "You are a helpful support assistant."},
                              {"role": "user", "content": %s}],
                 "response_content": %s, "input_tokens": %d, "output_tokens": %d, "total_tokens": %d,
                 "execution_time_ms": %d, "status": "%s", "error_message": %s}""".formatted(
                        c.executionId(),
                        c.usageId(),
                        c.occurredAt(),
                        c.prompt(),
                        c.version(),
                        c.environment(),
                        c.provider(),
                        c.model(),
                        quote(c.userMessage()),
                        quote(c.response()),
                        c.inputTokens(),
                        c.outputTokens(),
                        c.inputTokens() + c.outputTokens(),
                        c.latencyMs(),
                        c.status(),
                        quote(c.errorMessage()));
    }

    private static String quote(String text) {
        return text == null ? "null" : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
